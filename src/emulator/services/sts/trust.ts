import { AwsError } from '../../core/errors.js';
import type { RequestContext } from '../../core/service.js';
import { evaluate } from '../../auth/policy.js';
import { globalContext } from '../../auth/enforce.js';
import { isEnforced } from '../../auth/principal.js';
import { principalPolicies } from '../iam/policies.js';
import { iamStateOf, type IamRole } from '../iam/state.js';

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]+)$/;

/** Finds the role an AssumeRole* call names, in whatever account it lives. */
export async function roleFromArn(ctx: RequestContext, arn: string): Promise<{ role?: IamRole; accountId: string }> {
  if (!/^arn:[^:]+:[^:]+:[^:]*:[^:]*:.+/.test(arn)) throw new AwsError('ValidationError', `${arn} is invalid`, 400);
  const m = ROLE_ARN.exec(arn);
  if (!m) throw new AwsError('ValidationError', `${arn} is invalid`, 400);
  const state = await iamStateOf(ctx.emulator, m[1]);
  const role = state.roles[m[2]];
  return { role: role && role.Arn === arn ? role : role && arn.endsWith(`:role/${m[2]}`) ? role : undefined, accountId: m[1] };
}

export function checkSessionName(name: string | undefined): string {
  const n = name ?? '';
  if (!/^[\w+=,.@-]*$/.test(n)) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${n}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`,
      400,
    );
  }
  if (n.length < 2 || n.length > 64) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${n}' at 'roleSessionName' failed to satisfy constraint: Member must have length ${n.length < 2 ? 'greater than or equal to 2' : 'less than or equal to 64'}`,
      400,
    );
  }
  return n;
}

export function checkDuration(seconds: number | undefined, max: number, chained: boolean): number {
  const d = seconds ?? 3600;
  if (d < 900) {
    throw new AwsError('ValidationError', `1 validation error detected: Value '${d}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`, 400);
  }
  if (chained && d > 3600) {
    throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.', 400);
  }
  if (d > max) throw new AwsError('ValidationError', 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.', 400);
  return d;
}

const ROOT_ALLOWS_ALL = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });

/**
 * Evaluates sts:AssumeRole* for a caller against the role's trust policy (a resource policy) and,
 * for IAM users and roles, their own identity policies, with AWS's rules for how the two combine.
 * Records the decision for the inspector, and throws AccessDenied when it is not allowed.
 */
export async function checkTrust(
  ctx: RequestContext,
  opts: {
    action: 'sts:AssumeRole' | 'sts:AssumeRoleWithWebIdentity' | 'sts:AssumeRoleWithSAML';
    role: IamRole | undefined;
    roleArn: string;
    roleAccount: string;
    /** The caller as the trust policy sees it: an ARN, or a federated provider. */
    principal: string;
    callerLabel: string;
    context: Record<string, string | string[]>;
  },
): Promise<void> {
  const caller = ctx.principal;
  // The root of an account may do anything its account may; AWS itself refuses root callers here,
  // but the sandbox lets the trust policy decide so the default `test` keys can assume roles.
  const policies =
    caller.type === 'root'
      ? { identity: [{ name: 'root', source: 'root', document: ROOT_ALLOWS_ALL }] }
      : isEnforced(caller)
        ? await principalPolicies(ctx.emulator, caller)
        : { identity: [] };
  const ev = opts.role
    ? await evaluate({
        principal: opts.principal,
        principalAccount: caller.type === 'anonymous' ? undefined : caller.accountId,
        action: opts.action,
        resource: opts.roleArn,
        resourceAccount: opts.roleAccount,
        policies,
        resourcePolicy: opts.role.AssumeRolePolicyDocument,
        context: { ...globalContext(ctx.emulator, caller, ctx.region, ctx.http), ...opts.context },
      })
    : { result: 'ImplicitlyDenied' as const, reason: 'the role does not exist', statements: [] };
  ctx.emulator.decisions.add({
    time: new Date(ctx.emulator.clock.now()).toISOString(),
    accountId: opts.roleAccount,
    principal: opts.principal,
    principalType: caller.type,
    service: 'sts',
    operation: ctx.operation,
    action: opts.action,
    resource: opts.roleArn,
    result: ev.result,
    reason: opts.role ? `trust policy of ${opts.role.RoleName}: ${ev.reason}` : ev.reason,
    statements: ev.statements,
    error: 'error' in ev ? ev.error : undefined,
  });
  if (ev.result !== 'Allowed') {
    throw new AwsError('AccessDenied', `${opts.callerLabel} is not authorized to perform: ${opts.action} on resource: ${opts.roleArn}`, 403);
  }
}
