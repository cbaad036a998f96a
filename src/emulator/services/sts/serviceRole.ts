import type { Emulator } from '../../emulator.js';
import { evaluate } from '../../auth/policy.js';
import { iamStateOf, type IamRole } from '../iam/state.js';
import type { AssumedRolePrincipal } from '../../auth/principal.js';
import { issueSession, type StsSession } from './state.js';

const ROLE_ARN = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:[\x21-\x7e]*\/)?([\w+=,.@-]+)$/;

export interface ServiceRoleResult {
  role?: IamRole;
  accountId?: string;
  /** Why the service may not use the role, when it may not. */
  problem?: 'not-found' | 'not-trusted';
}

/** Finds a role by ARN and checks its trust policy lets an AWS service (`lambda.amazonaws.com`...) assume it. */
export async function checkServiceCanAssume(emulator: Emulator, roleArn: string, service: string): Promise<ServiceRoleResult> {
  const m = ROLE_ARN.exec(roleArn ?? '');
  if (!m) return { problem: 'not-found' };
  const state = await iamStateOf(emulator, m[1]);
  const role = state.roles[m[2]];
  if (!role) return { problem: 'not-found', accountId: m[1] };
  const ev = await evaluate({
    principal: service,
    action: 'sts:AssumeRole',
    resource: role.Arn,
    resourceAccount: m[1],
    policies: { identity: [] },
    resourcePolicy: role.AssumeRolePolicyDocument,
    context: {},
  });
  return ev.result === 'Allowed' ? { role, accountId: m[1] } : { role, accountId: m[1], problem: 'not-trusted' };
}

/**
 * Temporary credentials for a role, issued to an AWS service acting for the account (a Lambda
 * function's execution role, an EC2 instance profile). Calls made with them are enforced as the role.
 */
export async function serviceRoleSession(
  emulator: Emulator,
  role: IamRole,
  accountId: string,
  sessionName: string,
  durationSeconds = 3600,
): Promise<StsSession> {
  const principal: AssumedRolePrincipal = {
    type: 'assumed-role',
    accountId,
    roleName: role.RoleName,
    roleId: role.RoleId,
    roleArn: role.Arn,
    sessionName,
    arn: `arn:aws:sts::${accountId}:assumed-role/${role.RoleName}/${sessionName}`,
    userId: `${role.RoleId}:${sessionName}`,
    expiration: emulator.clock.now() + durationSeconds * 1000,
  };
  return issueSession(emulator, principal, durationSeconds);
}
