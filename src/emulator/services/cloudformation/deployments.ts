import { randomUUID } from 'node:crypto';
import type { Parameter, Stack } from '@aws-sdk/client-cloudformation';
import { AwsError } from '../../core/errors.js';
import type { RequestContext } from '../../core/service.js';
import { getObjectBytes } from '../s3/state.js';
import { VIRTUAL_HOST } from '../s3/routing.js';
import { parseTemplate, type Template } from './template/parse.js';
import { applyTransforms, transforms } from './template/sam.js';
import { isNoEcho, planResources, resolveParameters, validateStructure } from './template/prepare.js';
import { evaluateConditions } from './template/intrinsics.js';
import { pseudoParameters } from './engine/run.js';
import { cfnStateOf, findStack, type Deployment, type StackRecord } from './state.js';

export const validation = (message: string) => new AwsError('ValidationError', message, 400);

export const stackNotFound = (name: string | undefined) => validation(`Stack with id ${name} does not exist`);

export function requireStack(ctx: RequestContext, name: string | undefined): StackRecord {
  const s = findStack(cfnStateOf(ctx), name);
  if (!s) throw stackNotFound(name);
  return s;
}

export const stackArn = (ctx: RequestContext, name: string) => `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:stack/${name}/${randomUUID()}`;
export const changeSetArn = (ctx: RequestContext, name: string) => `arn:aws:cloudformation:${ctx.region}:${ctx.accountId}:changeSet/${name}/${randomUUID()}`;

export function checkStackName(name: string | undefined): string {
  if (!name || !/^[a-zA-Z][-a-zA-Z0-9]*$/.test(name) || name.length > 128) {
    throw validation(`1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*`);
  }
  return name;
}

/** A template from the emulated S3: path-style or virtual-host URLs, as CloudFormation accepts them. */
async function readTemplateUrl(ctx: RequestContext, url: string): Promise<string> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw validation('TemplateURL must be a supported URL.');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw validation('TemplateURL must be a supported URL.');
  const host = u.hostname.toLowerCase();
  const path = u.pathname.split('/').slice(1).map(decodeURIComponent);
  let bucket: string | undefined;
  let key: string | undefined;
  const vhost = VIRTUAL_HOST.exec(host);
  if (vhost) {
    bucket = vhost[1];
    key = path.join('/');
  } else if (/^(s3([.-][a-z0-9-]+)?\.amazonaws\.com|s3\.localhost(\.localstack\.cloud)?|localhost|127\.0\.0\.1|localhost\.localstack\.cloud)$/.test(host)) {
    bucket = path[0];
    key = path.slice(1).join('/');
  } else {
    throw validation('TemplateURL must be a supported URL.');
  }
  if (!bucket || !key) throw validation('TemplateURL must be a supported URL.');
  const bytes = await getObjectBytes(ctx.emulator, ctx.accountId, bucket, key);
  if (!bytes) throw validation(`S3 error: Unable to get object ${key} from bucket ${bucket}: The specified key does not exist.`);
  return bytes.toString('utf8');
}

export interface TemplateSource {
  TemplateBody?: string;
  TemplateURL?: string;
  UsePreviousTemplate?: boolean;
}

export async function templateBodyOf(ctx: RequestContext, input: TemplateSource, previous?: Deployment): Promise<string> {
  if (input.UsePreviousTemplate) {
    if (!previous) throw validation('UsePreviousTemplate is not allowed for a stack that has no previous template.');
    return previous.templateBody;
  }
  if (input.TemplateBody !== undefined && input.TemplateURL !== undefined) throw validation('Specify exactly one of TemplateBody or TemplateUrl.');
  if (input.TemplateBody !== undefined) return input.TemplateBody;
  if (input.TemplateURL !== undefined) return readTemplateUrl(ctx, input.TemplateURL);
  throw validation('Either Template URL or Template Body must be specified.');
}

const IAM_NAMES: Record<string, string> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
};

/** The capabilities a template needs: IAM resources (named ones need NAMED_IAM), and macros (AUTO_EXPAND). */
export function requiredCapabilities(original: Template, processed: Template): { capabilities: string[]; reason?: string } {
  const caps = new Set<string>();
  let reason: string | undefined;
  for (const [id, r] of Object.entries(processed.Resources ?? {})) {
    if (!r.Type?.startsWith('AWS::IAM::')) continue;
    const named = IAM_NAMES[r.Type] && r.Properties?.[IAM_NAMES[r.Type]] !== undefined;
    caps.add(named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM');
    reason ??= `The following resource(s) require capabilities: [${r.Type}]`;
    void id;
  }
  if (transforms(original).length) caps.add('CAPABILITY_AUTO_EXPAND');
  return { capabilities: [...caps], reason };
}

export function checkCapabilities(needed: string[], given: string[] | undefined, changeSet: boolean): void {
  const have = new Set(given ?? []);
  for (const c of needed) {
    if (c === 'CAPABILITY_AUTO_EXPAND' && changeSet) continue;
    if (c === 'CAPABILITY_IAM' && have.has('CAPABILITY_NAMED_IAM')) continue;
    if (!have.has(c)) throw new AwsError('InsufficientCapabilitiesException', `Requires capabilities : [${c}]`, 400);
  }
}

export interface PrepareInput extends TemplateSource {
  Parameters?: Parameter[];
  Capabilities?: string[];
}

/**
 * Everything CloudFormation checks before it answers: the template (its source, the SAM transform,
 * its structure and dependency graph), parameter values and capabilities.
 */
export async function prepareDeployment(
  ctx: RequestContext,
  stack: Pick<StackRecord, 'StackName' | 'StackId' | 'NotificationARNs'>,
  input: PrepareInput,
  previous: Deployment | undefined,
  changeSet: boolean,
): Promise<Deployment> {
  const templateBody = await templateBodyOf(ctx, input, previous);
  const original = parseTemplate(templateBody);
  const template = applyTransforms(original);
  validateStructure(template);
  const { capabilities } = requiredCapabilities(original, template);
  checkCapabilities(capabilities, input.Capabilities, changeSet);
  const { parameters, values } = await resolveParameters(ctx.emulator, ctx, template, input.Parameters, previous?.parameters);
  const where = { emulator: ctx.emulator, accountId: ctx.accountId, region: ctx.region };
  const conditions = evaluateConditions(template, {
    params: { ...values, ...pseudoParameters(where, stack) },
    mappings: template.Mappings,
    region: ctx.region,
    resource: () => undefined,
    importValue: () => '',
  });
  planResources(template, conditions);
  return { templateBody, template, parameters, values };
}

/** Parameters as DescribeStacks shows them: NoEcho values masked. */
export function shownParameters(dep: Deployment): Parameter[] {
  return dep.parameters.map((p) => ({
    ParameterKey: p.ParameterKey,
    ParameterValue: isNoEcho(dep.template, p.ParameterKey!) ? '****' : p.ParameterValue,
    ...(p.ResolvedValue !== undefined ? { ResolvedValue: isNoEcho(dep.template, p.ParameterKey!) ? '****' : p.ResolvedValue } : {}),
  }));
}

export function toStack(s: StackRecord): Stack {
  const deleted = s.StackStatus === 'DELETE_COMPLETE';
  const params = shownParameters(s.current);
  return {
    StackId: s.StackId,
    StackName: s.StackName,
    ChangeSetId: s.ChangeSetId,
    Description: s.Description,
    Parameters: params.length ? params : undefined,
    CreationTime: new Date(s.CreationTime),
    DeletionTime: s.DeletionTime ? new Date(s.DeletionTime) : undefined,
    LastUpdatedTime: s.LastUpdatedTime ? new Date(s.LastUpdatedTime) : undefined,
    RollbackConfiguration: {},
    StackStatus: s.StackStatus as Stack['StackStatus'],
    StackStatusReason: s.StackStatusReason,
    DisableRollback: s.DisableRollback,
    NotificationARNs: s.NotificationARNs,
    TimeoutInMinutes: s.TimeoutInMinutes,
    Capabilities: s.Capabilities.length ? (s.Capabilities as Stack['Capabilities']) : undefined,
    Outputs: s.outputs.length ? s.outputs.map((o) => ({ OutputKey: o.OutputKey, OutputValue: o.OutputValue, Description: o.Description, ExportName: o.ExportName })) : undefined,
    RoleARN: s.RoleARN,
    Tags: s.Tags,
    EnableTerminationProtection: deleted ? undefined : s.EnableTerminationProtection,
    DriftInformation: { StackDriftStatus: 'NOT_CHECKED' },
  };
}

/** Same template and the same parameter values: CloudFormation has nothing to do. */
export function sameDeployment(a: Deployment, b: Deployment): boolean {
  return JSON.stringify(a.template) === JSON.stringify(b.template) && JSON.stringify(a.values) === JSON.stringify(b.values);
}
