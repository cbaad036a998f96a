import type { Tag, TagSpecification } from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';
import { hexId } from '../../core/ids.js';
import type { Ec2Context, Ec2State } from './state.js';

/** EC2's resource ids: a prefix and 17 hex digits (`vpc-0a1b2c3d4e5f67890`). */
export const ec2Id = (prefix: string): string => `${prefix}-${hexId(17)}`;

export const nowMs = (ctx: Pick<Ec2Context, 'emulator'>): number => ctx.emulator.clock.now();
export const nowIso = (ctx: Pick<Ec2Context, 'emulator'>): string => new Date(ctx.emulator.clock.now()).toISOString();

export const ec2Arn = (ctx: Ec2Context, type: string, id: string): string => `arn:aws:ec2:${ctx.region}:${ctx.accountId}:${type}/${id}`;

/**
 * How long the emulator takes to finish a transition, in seconds. AWS takes tens of seconds (an
 * instance to boot) to minutes (a NAT gateway); the sandbox is quicker but keeps the states visible,
 * so waiters and polling loops behave as they do against AWS. `services.ec2` options override them.
 */
export interface Ec2Timings {
  instancePending: number;
  instanceStopping: number;
  instanceShuttingDown: number;
  /** How long terminated instances stay visible in DescribeInstances (about an hour in AWS). */
  terminatedVisible: number;
  natPending: number;
  natDeleting: number;
  /** How long a deleted NAT gateway stays visible as `deleted`. */
  natDeletedVisible: number;
  analysis: number;
}

const DEFAULT_TIMINGS: Ec2Timings = {
  instancePending: 3,
  instanceStopping: 3,
  instanceShuttingDown: 3,
  terminatedVisible: 3600,
  natPending: 5,
  natDeleting: 5,
  natDeletedVisible: 3600,
  analysis: 1,
};

export function timings(ctx: Pick<Ec2Context, 'emulator'>): Ec2Timings {
  const overrides = ctx.emulator.options.services?.ec2 as Partial<Ec2Timings> | undefined;
  return overrides ? { ...DEFAULT_TIMINGS, ...overrides } : DEFAULT_TIMINGS;
}

// --- errors, in EC2's dotted codes and words ---

const NOT_FOUND: Record<string, [string, string]> = {
  vpc: ['InvalidVpcID.NotFound', "The vpc ID '%' does not exist"],
  subnet: ['InvalidSubnetID.NotFound', "The subnet ID '%' does not exist"],
  igw: ['InvalidInternetGatewayID.NotFound', "The internetGateway ID '%' does not exist"],
  rtb: ['InvalidRouteTableID.NotFound', "The routeTable ID '%' does not exist"],
  acl: ['InvalidNetworkAclID.NotFound', "The networkAcl ID '%' does not exist"],
  sg: ['InvalidGroup.NotFound', "The security group '%' does not exist"],
  sgr: ['InvalidSecurityGroupRuleId.NotFound', "The security group rule ID '%' does not exist"],
  i: ['InvalidInstanceID.NotFound', "The instance ID '%' does not exist"],
  eni: ['InvalidNetworkInterfaceID.NotFound', "The networkInterface ID '%' does not exist"],
  eipalloc: ['InvalidAllocationID.NotFound', "The allocation ID '%' does not exist"],
  eipassoc: ['InvalidAssociationID.NotFound', "The association ID '%' does not exist"],
  rtbassoc: ['InvalidAssociationID.NotFound', "The association ID '%' does not exist"],
  aclassoc: ['InvalidAssociationID.NotFound', "The association ID '%' does not exist"],
  nat: ['NatGatewayNotFound', 'NAT gateway % was not found'],
  dopt: ['InvalidDhcpOptionID.NotFound', "The dhcpOption ID '%' does not exist"],
  ami: ['InvalidAMIID.NotFound', "The image id '[%]' does not exist"],
  key: ['InvalidKeyPair.NotFound', "The key pair '%' does not exist"],
  nip: ['InvalidNetworkInsightsPathId.NotFound', "The NetworkInsightsPath ID '%' does not exist"],
  nia: ['InvalidNetworkInsightsAnalysisId.NotFound', "The NetworkInsightsAnalysis ID '%' does not exist"],
};

export function notFound(kind: keyof typeof NOT_FOUND | string, id: string): AwsError {
  const [code, message] = NOT_FOUND[kind] ?? ['InvalidID', "The ID '%' is not valid"];
  return new AwsError(code, message.replace('%', id), 400);
}

/** Several missing instance ids are reported together, as AWS does. */
export function instancesNotFound(ids: string[]): AwsError {
  return ids.length === 1
    ? notFound('i', ids[0])
    : new AwsError('InvalidInstanceID.NotFound', `The instance IDs '${ids.join(', ')}' do not exist`, 400);
}

export const invalidParameterValue = (message: string) => new AwsError('InvalidParameterValue', message, 400);
export const invalidParameterCombination = (message: string) => new AwsError('InvalidParameterCombination', message, 400);
export const dependencyViolation = (message: string) => new AwsError('DependencyViolation', message, 400);

/** Looks a record up by id, or throws EC2's NotFound for its kind. */
export function need<T>(map: Record<string, T>, id: string | undefined, kind: string): T {
  const rec = id ? map[id] : undefined;
  if (!rec) throw notFound(kind, id ?? '');
  return rec;
}

/**
 * Records for the ids a Describe names (all of them when none is named), in the caller's order;
 * an unknown id fails the whole call, as in AWS.
 */
export function byIds<T>(map: Record<string, T>, ids: string[] | undefined, kind: string): T[] {
  if (!ids?.length) return Object.values(map);
  return [...new Set(ids)].map((id) => need(map, id, kind));
}

// --- tags ---

export const tagsOf = (state: Ec2State, id: string): Tag[] => state.tags[id] ?? [];

/** `Tags` as Describe* shows it: left out when a resource has none (callers that show `[]` pass `empty`). */
export function tagList(state: Ec2State, id: string, empty = false): Tag[] | undefined {
  const t = state.tags[id];
  if (t?.length) return t.map((x) => ({ Key: x.Key, Value: x.Value }));
  return empty ? [] : undefined;
}

export function setTags(state: Ec2State, id: string, tags: Tag[] | undefined): void {
  if (!tags?.length) return;
  const list = state.tags[id] ?? (state.tags[id] = []);
  for (const t of tags) {
    const key = t.Key ?? '';
    if (!key) throw invalidParameterValue('Tag keys must not be empty');
    if (key.length > 128) throw invalidParameterValue(`Tag key exceeds the maximum length of 128 characters`);
    if (key.toLowerCase().startsWith('aws:')) throw invalidParameterValue('Tag keys starting with \'aws:\' are reserved for internal use');
    if ((t.Value ?? '').length > 256) throw invalidParameterValue(`Tag value exceeds the maximum length of 256 characters`);
    const existing = list.find((x) => x.Key === key);
    if (existing) existing.Value = t.Value ?? '';
    else list.push({ Key: key, Value: t.Value ?? '' });
  }
  if (list.length > 50) throw new AwsError('TagLimitExceeded', `The maximum number of tags per resource (50) has been reached for resource ${id}`, 400);
}

/** Applies a create call's TagSpecifications for its resource type, refusing a type the call does not create. */
export function applyTagSpecifications(state: Ec2State, id: string, resourceType: string, specs: TagSpecification[] | undefined, also: string[] = []): void {
  for (const spec of specs ?? []) {
    const type = spec.ResourceType ?? resourceType;
    if (type !== resourceType && !also.includes(type)) {
      throw invalidParameterValue(`'${type}' is not a valid taggable resource type for this operation.`);
    }
    if (type === resourceType) setTags(state, id, spec.Tags);
  }
}

// --- pagination ---

/**
 * EC2's MaxResults/NextToken: opaque tokens, MaxResults within the operation's bounds, and
 * refused alongside explicit ids (`idsParam` names the id list as AWS's message does).
 */
export function paginate<T>(
  items: T[],
  input: { MaxResults?: number; NextToken?: string },
  opts: { min?: number; max?: number; ids?: unknown[]; idsParam?: string } = {},
): { page: T[]; NextToken?: string } {
  const { MaxResults, NextToken } = input;
  if (MaxResults === undefined && !NextToken) return { page: items };
  if (MaxResults !== undefined && opts.ids?.length) {
    throw invalidParameterCombination(`The parameter ${opts.idsParam ?? 'ids'} cannot be used with the parameter maxResults`);
  }
  const min = opts.min ?? 5;
  const max = opts.max ?? 1000;
  if (MaxResults !== undefined && (MaxResults < min || MaxResults > max)) {
    throw invalidParameterValue(`Value ( ${MaxResults} ) for parameter maxResults is invalid. Expecting a value between ${min} and ${max}.`);
  }
  let start = 0;
  if (NextToken) {
    const decoded = Number.parseInt(Buffer.from(NextToken, 'base64url').toString('utf8').replace(/^o:/, ''), 10);
    if (!Number.isInteger(decoded) || decoded < 0) throw invalidParameterValue(`The nextToken value '${NextToken}' is invalid.`);
    start = decoded;
  }
  const size = MaxResults ?? max;
  const page = items.slice(start, start + size);
  const more = start + size < items.length;
  return { page, NextToken: more ? Buffer.from(`o:${start + size}`).toString('base64url') : undefined };
}
