import type {
  CreateLogGroupRequest,
  DeleteLogGroupRequest,
  DescribeLogGroupsRequest,
  DescribeLogGroupsResponse,
  ListLogGroupsRequest,
  ListLogGroupsResponse,
  LogGroup,
  LogGroupClass,
} from '@aws-sdk/client-cloudwatch-logs';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { checkTags } from './tags.js';
import {
  checkLimit,
  findGroupName,
  getGroup,
  groupArn,
  invalidParameter,
  logsState,
  pageByName,
  type LogGroupRecord,
} from './state.js';

export function checkName(name: string, member: 'logGroupName' | 'logStreamName'): void {
  if (name.length === 0) {
    throw invalidParameter(`1 validation error detected: Value '' at '${member}' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  }
  if (name.length > 512) throw invalidParameter('Invalid LogGroup or LogStream, both must have length less than or equal to 512.');
  const pattern = member === 'logGroupName' ? /^[.\-_/#A-Za-z0-9]+$/ : /^[^:*]+$/;
  if (!pattern.test(name)) {
    const shown = member === 'logGroupName' ? '[\\.\\-_/#A-Za-z0-9]+' : '[^:*]*';
    throw invalidParameter(`1 validation error detected: Value '${name}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${shown}`);
  }
}

export const groupAuthorization = (ctx: RequestContext, action: string, input: { logGroupName?: string; logGroupIdentifier?: string }) => ({
  action,
  resource: `${groupArn(ctx, findGroupName(input) ?? '*')}:*`,
});

export function storedBytes(g: LogGroupRecord): number {
  let n = 0;
  for (const s of Object.values(g.streams)) for (const e of s.events) n += Buffer.byteLength(e[2]);
  return n;
}

/** The LogGroup shape. AWS leaves storedBytes and deletionProtectionEnabled out of pattern searches. */
function toLogGroup(ctx: RequestContext, g: LogGroupRecord, byPattern: boolean): LogGroup {
  const arn = groupArn(ctx, g.name);
  return {
    logGroupName: g.name,
    creationTime: g.createdAt,
    retentionInDays: g.retentionInDays,
    metricFilterCount: 0,
    arn: `${arn}:*`,
    storedBytes: byPattern ? undefined : storedBytes(g),
    kmsKeyId: g.kmsKeyId,
    logGroupClass: g.logGroupClass as LogGroupClass,
    logGroupArn: arn,
    deletionProtectionEnabled: byPattern ? undefined : g.deletionProtectionEnabled,
  };
}

export const CreateLogGroup = operation<CreateLogGroupRequest, object>({
  authorize: (i, ctx) => groupAuthorization(ctx, 'logs:CreateLogGroup', i),
  handler(input, ctx) {
    const name = input.logGroupName!;
    checkName(name, 'logGroupName');
    if (/^aws\//i.test(name)) throw invalidParameter('Log groups starting with AWS/ are reserved for AWS.');
    const state = logsState(ctx);
    if (state.groups[name]) throw new AwsError('ResourceAlreadyExistsException', 'The specified log group already exists', 400);
    const logGroupClass = input.logGroupClass ?? 'STANDARD';
    if (!['STANDARD', 'INFREQUENT_ACCESS', 'DELIVERY'].includes(logGroupClass)) {
      throw invalidParameter(`1 validation error detected: Value '${logGroupClass}' at 'logGroupClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, DELIVERY, INFREQUENT_ACCESS]`);
    }
    state.groups[name] = {
      name,
      createdAt: ctx.emulator.clock.now(),
      kmsKeyId: input.kmsKeyId,
      logGroupClass,
      deletionProtectionEnabled: input.deletionProtectionEnabled ?? false,
      tags: checkTags({}, input.tags),
      streams: {},
      nextStreamOrdinal: 1,
    };
    return {};
  },
});

export const DeleteLogGroup = operation<DeleteLogGroupRequest, object>({
  authorize: (i, ctx) => groupAuthorization(ctx, 'logs:DeleteLogGroup', i),
  handler(input, ctx) {
    const g = getGroup(ctx, input);
    if (g.deletionProtectionEnabled) {
      throw new AwsError('OperationAbortedException', 'Log group deletion protection is enabled. Disable it before deleting the log group.', 400);
    }
    delete logsState(ctx).groups[g.name];
    return {};
  },
});

function matchingGroups(ctx: RequestContext, prefix: string | undefined, pattern: string | undefined, cls: string | undefined): LogGroupRecord[] {
  const needle = pattern?.toLowerCase();
  return Object.values(logsState(ctx).groups)
    .filter((g) => (!prefix || g.name.startsWith(prefix)) && (!needle || g.name.toLowerCase().includes(needle)) && (!cls || g.logGroupClass === cls))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export const DescribeLogGroups = operation<DescribeLogGroupsRequest, DescribeLogGroupsResponse>({
  authorize: (_i, ctx) => ({ action: 'logs:DescribeLogGroups', resource: `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:*` }),
  handler(input, ctx) {
    if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
      throw invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
    }
    const limit = checkLimit(input.limit, 50);
    let groups = matchingGroups(ctx, input.logGroupNamePrefix, input.logGroupNamePattern, input.logGroupClass);
    if (input.logGroupIdentifiers?.length) {
      const names = new Set(input.logGroupIdentifiers.map((id) => findGroupName({ logGroupIdentifier: id })));
      groups = groups.filter((g) => names.has(g.name));
    }
    const p = pageByName(groups, input.nextToken, limit);
    return { logGroups: p.items.map((g) => toLogGroup(ctx, g, input.logGroupNamePattern !== undefined)), nextToken: p.nextToken };
  },
});

export const ListLogGroups = operation<ListLogGroupsRequest, ListLogGroupsResponse>({
  authorize: (_i, ctx) => ({ action: 'logs:ListLogGroups', resource: `arn:aws:logs:${ctx.region}:${ctx.accountId}:log-group:*` }),
  handler(input, ctx) {
    const limit = input.limit === undefined ? 50 : checkLimit(input.limit, 1000);
    const p = pageByName(matchingGroups(ctx, undefined, input.logGroupNamePattern, input.logGroupClass), input.nextToken, limit);
    return {
      logGroups: p.items.map((g) => ({ logGroupName: g.name, logGroupArn: groupArn(ctx, g.name), logGroupClass: g.logGroupClass as LogGroupClass })),
      nextToken: p.nextToken,
    };
  },
});

