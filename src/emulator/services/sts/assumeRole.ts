import type { AssumeRoleRequest, AssumeRoleResponse } from '@aws-sdk/client-sts';
import { operation } from '../../core/service.js';
import { checkDuration, checkSessionName, checkTrust, roleFromArn } from './trust.js';
import { sessionPolicyOf, startRoleSession, toCredentials } from './session.js';

export const AssumeRole = operation<AssumeRoleRequest, AssumeRoleResponse>({
  // The trust policy and the caller's own policies are evaluated together in the handler.
  authorize: () => [],
  async handler(input, ctx) {
    const roleArn = input.RoleArn!;
    const sessionName = checkSessionName(input.RoleSessionName);
    const { role, accountId } = await roleFromArn(ctx, roleArn);
    const context: Record<string, string | string[]> = { 'sts:RoleSessionName': sessionName };
    if (input.ExternalId !== undefined) context['sts:ExternalId'] = input.ExternalId;
    if (input.SourceIdentity !== undefined) context['sts:SourceIdentity'] = input.SourceIdentity;
    for (const t of input.Tags ?? []) if (t.Key) context[`aws:RequestTag/${t.Key}`] = t.Value ?? '';
    await checkTrust(ctx, {
      action: 'sts:AssumeRole',
      role,
      roleArn,
      roleAccount: accountId,
      principal: ctx.principal.arn,
      callerLabel: `User: ${ctx.principal.arn}`,
      context,
    });
    const chained = ctx.principal.type === 'assumed-role';
    const duration = checkDuration(input.DurationSeconds, role!.MaxSessionDuration, chained);
    const sessionPolicy = await sessionPolicyOf(ctx, accountId, input.Policy, input.PolicyArns);
    const { session, user } = await startRoleSession(ctx, role!, accountId, sessionName, duration, { sessionPolicy });
    return {
      Credentials: toCredentials(session),
      AssumedRoleUser: user,
      PackedPolicySize: sessionPolicy ? Math.min(100, Math.ceil(sessionPolicy.length / 20)) : undefined,
      SourceIdentity: input.SourceIdentity,
    };
  },
});
