import type { GetFederationTokenRequest, GetFederationTokenResponse, GetSessionTokenRequest, GetSessionTokenResponse } from '@aws-sdk/client-sts';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import type { FederatedUserPrincipal, Principal } from '../../auth/principal.js';
import { issueSession } from './state.js';
import { sessionPolicyOf, toCredentials } from './session.js';

function durationFor(principal: Principal, requested: number | undefined, max: number): number {
  const d = requested ?? (principal.type === 'root' ? 3600 : 43200);
  const limit = principal.type === 'root' ? 3600 : max;
  if (d < 900 || d > limit) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${d}' at 'durationSeconds' failed to satisfy constraint: Member must have value ${d < 900 ? 'greater than or equal to 900' : `less than or equal to ${limit}`}`,
      400,
    );
  }
  return d;
}

/** Temporary credentials with the caller's own permissions (an IAM user or the account root). */
export const GetSessionToken = operation<GetSessionTokenRequest, GetSessionTokenResponse>({
  authorize: () => [],
  async handler(input, ctx) {
    const p = ctx.principal;
    if ((p.type !== 'user' && p.type !== 'root') || (p.type === 'user' && p.session)) {
      throw new AwsError('AccessDenied', 'Cannot call GetSessionToken with session credentials', 403);
    }
    const duration = durationFor(p, input.DurationSeconds, 129600);
    const principal: Principal = p.type === 'user' ? { ...p, session: true } : { ...p };
    const session = await issueSession(ctx.emulator, principal, duration);
    return { Credentials: toCredentials(session) };
  },
});

/** Credentials for a federated user: the calling user's permissions, narrowed by the session policy. */
export const GetFederationToken = operation<GetFederationTokenRequest, GetFederationTokenResponse>({
  async handler(input, ctx) {
    const p = ctx.principal;
    if ((p.type !== 'user' && p.type !== 'root') || (p.type === 'user' && p.session)) {
      throw new AwsError('AccessDenied', 'Cannot call GetFederationToken with session credentials', 403);
    }
    const name = input.Name!;
    if (!/^[\w+=,.@-]{2,32}$/.test(name)) {
      throw new AwsError('ValidationError', `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*`, 400);
    }
    const duration = durationFor(p, input.DurationSeconds, 129600);
    const sessionPolicy = await sessionPolicyOf(ctx, p.accountId, input.Policy, input.PolicyArns);
    const principal: FederatedUserPrincipal = {
      type: 'federated-user',
      accountId: p.accountId,
      federatedName: name,
      arn: `arn:aws:sts::${p.accountId}:federated-user/${name}`,
      userId: `${p.accountId}:${name}`,
      expiration: ctx.emulator.clock.now() + duration * 1000,
      parentUser: p.type === 'user' ? p.userName : undefined,
      sessionPolicy: sessionPolicy ?? JSON.stringify({ Version: '2012-10-17', Statement: [] }),
    };
    const session = await issueSession(ctx.emulator, principal, duration);
    return {
      Credentials: toCredentials(session),
      FederatedUser: { FederatedUserId: principal.userId, Arn: principal.arn },
      PackedPolicySize: sessionPolicy ? Math.min(100, Math.ceil(sessionPolicy.length / 20)) : 0,
    };
  },
});
