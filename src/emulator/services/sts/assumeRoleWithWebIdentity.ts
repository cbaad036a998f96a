import type { AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse } from '@aws-sdk/client-sts';
import { operation } from '../../core/service.js';
import { checkDuration, checkSessionName, checkTrust, roleFromArn } from './trust.js';
import { sessionPolicyOf, startRoleSession, toCredentials } from './session.js';
import { verifyWebIdentity } from './webIdentity.js';

/** Trades an OpenID Connect token for role credentials. Unsigned, as in AWS: the token is the proof. */
export const AssumeRoleWithWebIdentity = operation<AssumeRoleWithWebIdentityRequest, AssumeRoleWithWebIdentityResponse>({
  authorize: () => [],
  async handler(input, ctx) {
    const roleArn = input.RoleArn!;
    const sessionName = checkSessionName(input.RoleSessionName);
    const { role, accountId } = await roleFromArn(ctx, roleArn);
    const id = await verifyWebIdentity(ctx.emulator, input.WebIdentityToken!, accountId);
    const c = id.claims;
    const webIdentity: Record<string, string | string[]> = {
      [`${id.keyPrefix}:aud`]: id.audience,
      [`${id.keyPrefix}:sub`]: String(c.sub ?? ''),
    };
    if (c.amr !== undefined) webIdentity[`${id.keyPrefix}:amr`] = Array.isArray(c.amr) ? (c.amr as string[]) : [String(c.amr)];
    await checkTrust(ctx, {
      action: 'sts:AssumeRoleWithWebIdentity',
      role,
      roleArn,
      roleAccount: accountId,
      principal: id.federated,
      callerLabel: `Not authorized to perform sts:AssumeRoleWithWebIdentity. Federated principal ${id.federated}`,
      context: { ...webIdentity, 'sts:RoleSessionName': sessionName },
    });
    const duration = checkDuration(input.DurationSeconds, role!.MaxSessionDuration, false);
    const sessionPolicy = await sessionPolicyOf(ctx, accountId, input.Policy, input.PolicyArns);
    const { session, user } = await startRoleSession(ctx, role!, accountId, sessionName, duration, { sessionPolicy, webIdentity });
    return {
      Credentials: toCredentials(session),
      SubjectFromWebIdentityToken: String(c.sub ?? ''),
      AssumedRoleUser: user,
      Provider: id.provider,
      Audience: id.audience,
      PackedPolicySize: sessionPolicy ? Math.min(100, Math.ceil(sessionPolicy.length / 20)) : undefined,
    };
  },
});
