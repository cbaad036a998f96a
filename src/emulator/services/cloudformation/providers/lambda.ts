import { zipSync, strToU8 } from 'fflate';
import type {
  AddPermissionResponse,
  CreateFunctionUrlConfigResponse,
  FunctionConfiguration,
  AliasConfiguration,
} from '@aws-sdk/client-lambda';
import { isAwsError } from '../../../core/errors.js';
import { randomString } from '../../../core/ids.js';
import { changed, physicalName, type ProviderContext, type ResourceProvider } from './types.js';

async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(isAwsError(e) && e.code === 'ResourceNotFoundException')) throw e;
  }
}

/**
 * Lambda's Code: S3 (read from the emulated S3 by Lambda itself), or inline `ZipFile` source, which
 * CloudFormation puts in a zip as index.js (Node.js) or index.py (Python).
 */
function codeOf(code: Record<string, any>, runtime: string | undefined): Record<string, unknown> {
  if (code?.ZipFile !== undefined) {
    const file = runtime?.startsWith('python') ? 'index.py' : 'index.js';
    return { ZipFile: zipSync({ [file]: strToU8(String(code.ZipFile)) }) };
  }
  return { S3Bucket: code?.S3Bucket, S3Key: code?.S3Key, S3ObjectVersion: code?.S3ObjectVersion, ImageUri: code?.ImageUri };
}

const CONFIG_KEYS = ['Role', 'Handler', 'Description', 'Timeout', 'MemorySize', 'Environment', 'Runtime', 'DeadLetterConfig', 'KMSKeyArn', 'TracingConfig', 'Layers', 'EphemeralStorage', 'LoggingConfig', 'VpcConfig', 'ImageConfig', 'SnapStart'];

function configOf(p: Record<string, any>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of CONFIG_KEYS) if (p[k] !== undefined) out[k === 'KMSKeyArn' ? 'KMSKeyArn' : k] = p[k];
  if (out.Timeout !== undefined) out.Timeout = Number(out.Timeout);
  if (out.MemorySize !== undefined) out.MemorySize = Number(out.MemorySize);
  return out;
}

const tagMap = (tags: { Key: string; Value: string }[] | undefined) => (tags?.length ? Object.fromEntries(tags.map((t) => [t.Key, String(t.Value)])) : undefined);

export const fn: ResourceProvider = {
  type: 'AWS::Lambda::Function',
  service: 'lambda',
  replaceOn: ['FunctionName', 'PackageType'],
  required: ['Code', 'Role'],
  async create(ctx, p) {
    const name = p.FunctionName ?? physicalName(ctx, { max: 64 });
    const out = await ctx.call<FunctionConfiguration>('lambda', 'CreateFunction', {
      FunctionName: name,
      Code: codeOf(p.Code, p.Runtime),
      PackageType: p.PackageType,
      Architectures: p.Architectures,
      Tags: tagMap(p.Tags),
      ...configOf(p),
    });
    if (p.ReservedConcurrentExecutions !== undefined) {
      await ctx.call('lambda', 'PutFunctionConcurrency', { FunctionName: name, ReservedConcurrentExecutions: Number(p.ReservedConcurrentExecutions) });
    }
    return { physicalId: name, attributes: { Arn: out.FunctionArn } };
  },
  async update(ctx, name, p, old) {
    if (changed(p.Code, old.Code) || changed(p.Architectures, old.Architectures)) {
      await ctx.call('lambda', 'UpdateFunctionCode', { FunctionName: name, ...codeOf(p.Code, p.Runtime), Architectures: p.Architectures });
    }
    const cfg = configOf(p);
    const oldCfg = configOf(old);
    if (changed(cfg, oldCfg)) {
      // Members dropped from the template go back to Lambda's defaults.
      const reset: Record<string, unknown> = {};
      if (oldCfg.Environment && !cfg.Environment) reset.Environment = { Variables: {} };
      if (oldCfg.Description && !cfg.Description) reset.Description = '';
      await ctx.call('lambda', 'UpdateFunctionConfiguration', { FunctionName: name, ...reset, ...cfg });
    }
    if (changed(p.Tags, old.Tags)) {
      const arn = `arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${name}`;
      const keep = new Set((p.Tags ?? []).map((t: { Key: string }) => t.Key));
      const gone = (old.Tags ?? []).map((t: { Key: string }) => t.Key).filter((k: string) => !keep.has(k));
      if (gone.length) await ctx.call('lambda', 'UntagResource', { Resource: arn, TagKeys: gone });
      if (p.Tags?.length) await ctx.call('lambda', 'TagResource', { Resource: arn, Tags: tagMap(p.Tags) });
    }
    if (changed(p.ReservedConcurrentExecutions, old.ReservedConcurrentExecutions)) {
      if (p.ReservedConcurrentExecutions === undefined) await ctx.call('lambda', 'DeleteFunctionConcurrency', { FunctionName: name });
      else await ctx.call('lambda', 'PutFunctionConcurrency', { FunctionName: name, ReservedConcurrentExecutions: Number(p.ReservedConcurrentExecutions) });
    }
  },
  async delete(ctx, name) {
    await ignoreMissing(ctx.call('lambda', 'DeleteFunction', { FunctionName: name }));
  },
};

export const version: ResourceProvider = {
  type: 'AWS::Lambda::Version',
  service: 'lambda',
  replaceOn: ['FunctionName', 'Description', 'CodeSha256', 'ProvisionedConcurrencyConfig', 'RuntimePolicy'],
  required: ['FunctionName'],
  async create(ctx, p) {
    const out = await ctx.call<FunctionConfiguration>('lambda', 'PublishVersion', { FunctionName: p.FunctionName, Description: p.Description, CodeSha256: p.CodeSha256 });
    return { physicalId: out.FunctionArn!, attributes: { Version: out.Version, FunctionArn: out.FunctionArn } };
  },
  async delete(ctx, arn) {
    const [fnArn, qualifier] = [arn.slice(0, arn.lastIndexOf(':')), arn.slice(arn.lastIndexOf(':') + 1)];
    await ignoreMissing(ctx.call('lambda', 'DeleteFunction', { FunctionName: fnArn, Qualifier: qualifier }));
  },
};

export const alias: ResourceProvider = {
  type: 'AWS::Lambda::Alias',
  service: 'lambda',
  replaceOn: ['FunctionName', 'Name'],
  required: ['FunctionName', 'FunctionVersion', 'Name'],
  async create(ctx, p) {
    const out = await ctx.call<AliasConfiguration>('lambda', 'CreateAlias', {
      FunctionName: p.FunctionName,
      Name: p.Name,
      FunctionVersion: String(p.FunctionVersion),
      Description: p.Description,
      RoutingConfig: p.RoutingConfig,
    });
    return { physicalId: out.AliasArn!, attributes: { AliasArn: out.AliasArn } };
  },
  async update(ctx, _arn, p) {
    await ctx.call('lambda', 'UpdateAlias', { FunctionName: p.FunctionName, Name: p.Name, FunctionVersion: String(p.FunctionVersion), Description: p.Description ?? '', RoutingConfig: p.RoutingConfig ?? {} });
  },
  async delete(ctx, _arn, p) {
    await ignoreMissing(ctx.call('lambda', 'DeleteAlias', { FunctionName: p.FunctionName, Name: p.Name }));
  },
};

export const permission: ResourceProvider = {
  type: 'AWS::Lambda::Permission',
  service: 'lambda',
  replaceOn: ['Action', 'FunctionName', 'Principal', 'SourceArn', 'SourceAccount', 'EventSourceToken', 'FunctionUrlAuthType', 'PrincipalOrgID'],
  required: ['Action', 'FunctionName', 'Principal'],
  async create(ctx, p) {
    const sid = physicalName(ctx, { max: 100 });
    await ctx.call<AddPermissionResponse>('lambda', 'AddPermission', {
      FunctionName: p.FunctionName,
      StatementId: sid,
      Action: p.Action,
      Principal: p.Principal,
      SourceArn: p.SourceArn,
      SourceAccount: p.SourceAccount,
      EventSourceToken: p.EventSourceToken,
      FunctionUrlAuthType: p.FunctionUrlAuthType,
      PrincipalOrgID: p.PrincipalOrgID,
    });
    return { physicalId: sid };
  },
  async delete(ctx, sid, p) {
    await ignoreMissing(ctx.call('lambda', 'RemovePermission', { FunctionName: p.FunctionName, StatementId: sid }));
  },
};

export const eventInvokeConfig: ResourceProvider = {
  type: 'AWS::Lambda::EventInvokeConfig',
  service: 'lambda',
  replaceOn: ['FunctionName', 'Qualifier'],
  required: ['FunctionName', 'Qualifier'],
  async create(ctx, p) {
    await ctx.call('lambda', 'PutFunctionEventInvokeConfig', configOfInvoke(p));
    return { physicalId: randomString(36) };
  },
  async update(ctx, _id, p) {
    await ctx.call('lambda', 'PutFunctionEventInvokeConfig', configOfInvoke(p));
  },
  async delete(ctx, _id, p) {
    await ignoreMissing(ctx.call('lambda', 'DeleteFunctionEventInvokeConfig', { FunctionName: p.FunctionName, Qualifier: p.Qualifier }));
  },
};

function configOfInvoke(p: Record<string, any>) {
  return {
    FunctionName: p.FunctionName,
    Qualifier: p.Qualifier,
    MaximumEventAgeInSeconds: p.MaximumEventAgeInSeconds !== undefined ? Number(p.MaximumEventAgeInSeconds) : undefined,
    MaximumRetryAttempts: p.MaximumRetryAttempts !== undefined ? Number(p.MaximumRetryAttempts) : undefined,
    DestinationConfig: p.DestinationConfig,
  };
}

export const url: ResourceProvider = {
  type: 'AWS::Lambda::Url',
  service: 'lambda',
  replaceOn: ['TargetFunctionArn', 'Qualifier'],
  required: ['TargetFunctionArn', 'AuthType'],
  async create(ctx, p) {
    const out = await ctx.call<CreateFunctionUrlConfigResponse>('lambda', 'CreateFunctionUrlConfig', {
      FunctionName: p.TargetFunctionArn,
      Qualifier: p.Qualifier,
      AuthType: p.AuthType,
      Cors: p.Cors,
      InvokeMode: p.InvokeMode,
    });
    return { physicalId: out.FunctionArn!, attributes: { FunctionUrl: out.FunctionUrl, FunctionArn: out.FunctionArn } };
  },
  async update(ctx: ProviderContext, _arn, p) {
    await ctx.call('lambda', 'UpdateFunctionUrlConfig', { FunctionName: p.TargetFunctionArn, Qualifier: p.Qualifier, AuthType: p.AuthType, Cors: p.Cors ?? {}, InvokeMode: p.InvokeMode });
  },
  async delete(ctx, _arn, p) {
    await ignoreMissing(ctx.call('lambda', 'DeleteFunctionUrlConfig', { FunctionName: p.TargetFunctionArn, Qualifier: p.Qualifier }));
  },
};
