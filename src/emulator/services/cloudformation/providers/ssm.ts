import { isAwsError } from '../../../core/errors.js';
import { randomString } from '../../../core/ids.js';
import type { ResourceProvider } from './types.js';

export const parameter: ResourceProvider = {
  type: 'AWS::SSM::Parameter',
  service: 'ssm',
  replaceOn: ['Name'],
  required: ['Type', 'Value'],
  async create(ctx, p) {
    // CloudFormation names unnamed parameters CFN-<LogicalId>-<random>.
    const name = p.Name ?? `CFN-${ctx.logicalId}-${randomString(12)}`;
    await ctx.call('ssm', 'PutParameter', {
      Name: name,
      Type: p.Type,
      Value: String(p.Value),
      Description: p.Description,
      AllowedPattern: p.AllowedPattern,
      Tier: p.Tier,
      DataType: p.DataType,
      Tags: p.Tags ? Object.entries(p.Tags as Record<string, string>).map(([Key, Value]) => ({ Key, Value: String(Value) })) : undefined,
    });
    return { physicalId: name, attributes: { Type: p.Type, Value: String(p.Value) } };
  },
  async update(ctx, name, p) {
    await ctx.call('ssm', 'PutParameter', {
      Name: name,
      Type: p.Type,
      Value: String(p.Value),
      Description: p.Description,
      AllowedPattern: p.AllowedPattern,
      Tier: p.Tier,
      DataType: p.DataType,
      Overwrite: true,
    });
    return { attributes: { Type: p.Type, Value: String(p.Value) } };
  },
  async delete(ctx, name) {
    try {
      await ctx.call('ssm', 'DeleteParameter', { Name: name });
    } catch (e) {
      if (!(isAwsError(e) && e.code === 'ParameterNotFound')) throw e;
    }
  },
};
