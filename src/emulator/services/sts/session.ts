import type { AssumedRoleUser, Credentials } from '@aws-sdk/client-sts';
import type { RequestContext } from '../../core/service.js';
import type { AssumedRolePrincipal } from '../../auth/principal.js';
import type { IamRole } from '../iam/state.js';
import { iamStateOf } from '../iam/state.js';
import { defaultDocument, managedPolicy } from '../iam/policies.js';
import { issueSession, type StsSession } from './state.js';

export const toCredentials = (s: StsSession): Credentials => ({
  AccessKeyId: s.accessKeyId,
  SecretAccessKey: s.secretAccessKey,
  SessionToken: s.sessionToken,
  Expiration: new Date(s.expiration),
});

/**
 * Session policies narrow a role session: the inline Policy and any PolicyArns, combined into one
 * document whose statements are the union, as AWS evaluates them.
 */
export async function sessionPolicyOf(ctx: RequestContext, accountId: string, policy: string | undefined, arns: { arn?: string }[] | undefined): Promise<string | undefined> {
  const statements: unknown[] = [];
  if (policy) {
    const doc = JSON.parse(policy) as { Statement: unknown };
    statements.push(...(Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]));
  }
  if (arns?.length) {
    const state = await iamStateOf(ctx.emulator, accountId);
    for (const { arn } of arns) {
      const p = arn ? managedPolicy(state, arn) : undefined;
      if (!p) continue;
      const doc = JSON.parse(defaultDocument(p)) as { Statement: unknown };
      statements.push(...(Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]));
    }
  }
  return policy || arns?.length ? JSON.stringify({ Version: '2012-10-17', Statement: statements }) : undefined;
}

export async function startRoleSession(
  ctx: RequestContext,
  role: IamRole,
  accountId: string,
  sessionName: string,
  durationSeconds: number,
  extra: Pick<AssumedRolePrincipal, 'sessionPolicy' | 'webIdentity'> = {},
): Promise<{ session: StsSession; user: AssumedRoleUser }> {
  const principal: AssumedRolePrincipal = {
    type: 'assumed-role',
    accountId,
    roleName: role.RoleName,
    roleId: role.RoleId,
    roleArn: role.Arn,
    sessionName,
    arn: `arn:aws:sts::${accountId}:assumed-role/${role.RoleName}/${sessionName}`,
    userId: `${role.RoleId}:${sessionName}`,
    expiration: ctx.emulator.clock.now() + durationSeconds * 1000,
    ...extra,
  };
  const session = await issueSession(ctx.emulator, principal, durationSeconds);
  role.lastUsed = { date: new Date(ctx.emulator.clock.now()).toISOString(), region: ctx.region };
  return { session, user: { AssumedRoleId: principal.userId, Arn: principal.arn } };
}
