import type { FunctionConfiguration } from '@aws-sdk/client-lambda';
import { AwsError } from '../../core/errors.js';
import { uuid } from '../../core/ids.js';
import type { AuthorizationRequest, RequestContext } from '../../core/service.js';
import { isEnforced } from '../../auth/principal.js';
import { lambdaState, type FunctionRecord, type LambdaState, type VersionRecord } from './state.js';

export type Ctx = Pick<RequestContext, 'emulator' | 'accountId' | 'region'>;

// ---- errors, with Lambda's codes and messages ----

export const notFound = (message: string) => new AwsError('ResourceNotFoundException', message);
export const functionNotFound = (arn: string) => notFound(`Function not found: ${arn}`);
export const invalidParameter = (message: string) => new AwsError('InvalidParameterValueException', message);
export const conflict = (message: string) => new AwsError('ResourceConflictException', message);
export const validation = (message: string) => new AwsError('ValidationException', message, 400);
export const preconditionFailed = (what = 'GetFunction/GetAlias') =>
  new AwsError('PreconditionFailedException', `The Revision Id provided does not match the latest Revision Id. Call the ${what} API to retrieve the latest Revision Id`);

export function validationError(value: string, member: string, constraint: string): AwsError {
  return validation(`1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

// ---- names and ARNs ----

export const functionArn = (region: string, accountId: string, name: string, qualifier?: string) =>
  `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier ? `:${qualifier}` : ''}`;

/** Lambda writes dates as 2024-05-01T12:00:00.000+0000. */
export const lambdaDate = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

const FUNCTION_NAME =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}):)?((\d{12}):)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const FUNCTION_NAME_PATTERN =
  '(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?';
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9-_$]+)$/;

export interface FunctionRef {
  accountId: string;
  region: string;
  name: string;
  /** From the name (`fn:prod`, an ARN's suffix) or the Qualifier parameter. */
  qualifier?: string;
  /** The caller named another account's function by ARN. */
  crossAccount: boolean;
}

/**
 * Reads a FunctionName parameter as Lambda does: a name, `name:qualifier`, a partial ARN
 * (`123456789012:function:name`) or a full ARN, checked against the Qualifier parameter and the region.
 */
export function parseFunctionName(ctx: Ctx, raw: string | undefined, qualifier?: string, opts: { allowQualifier?: boolean } = {}): FunctionRef {
  const value = raw ?? '';
  const m = FUNCTION_NAME.exec(value);
  if (!m) throw validationError(value, 'functionName', `Member must satisfy regular expression pattern: ${FUNCTION_NAME_PATTERN}`);
  const [, , , , , region, , , , , , accountId, , name, , fromName] = m;
  if (value.length > 140 || (!value.startsWith('arn:') && !accountId && name.length > 64)) {
    throw validationError(value, 'functionName', `Member must have length less than or equal to ${value.startsWith('arn:') ? 140 : 64}`);
  }
  if (region && region !== ctx.region) throw notFound(`Functions from '${region}' are not reachable in this region ('${ctx.region}')`);
  if (qualifier !== undefined && !QUALIFIER.test(qualifier)) {
    throw validationError(qualifier, 'qualifier', 'Member must satisfy regular expression pattern: \\$(LATEST(\\.PUBLISHED)?)|[a-zA-Z0-9-_$]+');
  }
  if (fromName && qualifier !== undefined && fromName !== qualifier) {
    throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  }
  const q = fromName ?? qualifier;
  if (q !== undefined && opts.allowQualifier === false) {
    throw invalidParameter(
      'This operation is permitted on Lambda functions only. Aliases and versions do not support this operation. Please specify either a function name or an unqualified function ARN.',
    );
  }
  return { accountId: accountId ?? ctx.accountId, region: ctx.region, name, qualifier: q, crossAccount: !!accountId && accountId !== ctx.accountId };
}

/** The state of the account that owns the function (another account's, for cross-account calls). */
export function stateOf(ctx: Ctx, ref: Pick<FunctionRef, 'accountId' | 'region'>): LambdaState {
  return ref.accountId === ctx.accountId && ref.region === ctx.region ? lambdaState(ctx) : lambdaState({ emulator: ctx.emulator, accountId: ref.accountId, region: ref.region });
}

export function findFunction(ctx: Ctx, ref: FunctionRef): FunctionRecord | undefined {
  return stateOf(ctx, ref).functions[ref.name];
}

/** The function, or Lambda's "Function not found" naming what was asked for. */
export function requireFunction(ctx: Ctx, ref: FunctionRef, notFoundQualifier = ref.qualifier): FunctionRecord {
  const fn = findFunction(ctx, ref);
  if (!fn) throw functionNotFound(functionArn(ref.region, ref.accountId, ref.name, notFoundQualifier));
  return fn;
}

/** The version a qualifier names: $LATEST, a published version, or (without routing) an alias's version. */
export function versionOf(fn: FunctionRecord, ref: FunctionRef): VersionRecord {
  const q = ref.qualifier;
  if (q === undefined || q === '$LATEST') return fn.latest;
  const v = fn.versions[q] ?? (fn.aliases[q] ? fn.versions[fn.aliases[q].FunctionVersion] ?? (fn.aliases[q].FunctionVersion === '$LATEST' ? fn.latest : undefined) : undefined);
  if (!v) throw functionNotFound(functionArn(ref.region, ref.accountId, ref.name, q));
  return v;
}

export const isVersionNumber = (q: string) => /^[0-9]+$/.test(q);

// ---- versions as Lambda shows them ----

/**
 * A function finishes creating (Pending → Active) and updating (InProgress → Successful) right
 * after the response that started it, so SDK waiters see the states AWS reports, in order.
 */
export function settle(ctx: Ctx, v: VersionRecord): VersionRecord {
  if (v.settlesAt !== undefined && ctx.emulator.clock.now() >= v.settlesAt) {
    v.settlesAt = undefined;
    if (v.State === 'Pending') {
      v.State = 'Active';
      delete v.StateReason;
      delete v.StateReasonCode;
    }
    v.LastUpdateStatus = 'Successful';
    delete v.LastUpdateStatusReason;
    delete v.LastUpdateStatusReasonCode;
    v.RevisionId = uuid();
    ctx.emulator.persistSoon();
  }
  return v;
}

/** The FunctionConfiguration shape of a version, without the sandbox's own bookkeeping. */
export function configurationOf(ctx: Ctx, v: VersionRecord): FunctionConfiguration {
  return viewOf(settle(ctx, v));
}

/** The shape as it is now: the response of the request that started a create or an update. */
export function viewOf(v: VersionRecord): FunctionConfiguration {
  const { code: _code, settlesAt: _settles, ...config } = v;
  return config as FunctionConfiguration;
}

/** CodeSha256 as Lambda reports it: base64 of the zip's SHA-256. */
export const codeSha256 = (hex: string) => Buffer.from(hex, 'hex').toString('base64');

export const deepCopy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Lambda's pagination: Marker in, NextMarker out. The marker is an opaque offset. */
export function paginate<T>(items: T[], marker: string | undefined, maxItems: number | undefined, max = 10000): { page: T[]; NextMarker?: string } {
  const start = marker ? Number.parseInt(Buffer.from(marker, 'base64').toString('utf8'), 10) || 0 : 0;
  const size = maxItems ?? 50;
  if (size < 1 || size > max) throw validationError(String(size), 'maxItems', `Member must have value ${size < 1 ? 'greater than or equal to 1' : `less than or equal to ${max}`}`);
  const page = items.slice(start, start + size);
  return { page, NextMarker: start + size < items.length ? Buffer.from(String(start + size)).toString('base64') : undefined };
}

// ---- authorization ----

/** The resource policy that applies to a call naming this qualifier: the function's own, plus the version's or alias's. */
export function resourcePolicyFor(fn: FunctionRecord | undefined, qualifier: string | undefined): object | undefined {
  if (!fn) return undefined;
  const statements = [...(fn.policies['']?.Statement ?? []), ...(qualifier && qualifier !== '$LATEST' ? (fn.policies[qualifier]?.Statement ?? []) : [])];
  return statements.length ? { Version: '2012-10-17', Id: 'default', Statement: statements } : undefined;
}

/**
 * `authorize` for operations on one function: the action on the function's ARN (qualified when
 * the caller names a version or alias), with the function's resource policy.
 */
export function authorizeFunction(action: string) {
  return (input: { FunctionName?: string; Qualifier?: string }, ctx: RequestContext): AuthorizationRequest => {
    const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
    const q = ref.qualifier && ref.qualifier !== '$LATEST' ? ref.qualifier : undefined;
    return {
      action,
      resource: functionArn(ref.region, ref.accountId, ref.name, q),
      resourceAccount: ref.accountId,
      // Building the policy costs a little: only principals that are evaluated need it.
      resourcePolicy: isEnforced(ctx.principal) ? resourcePolicyFor(findFunction(ctx, ref), ref.qualifier) : undefined,
    };
  };
}
