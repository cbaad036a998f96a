import type { AssumedRolePrincipal } from '../../auth/principal.js';
import { globalContext } from '../../auth/enforce.js';
import { evaluate } from '../../auth/policy.js';
import type { Emulator } from '../../emulator.js';
import { principalPolicies } from '../iam/policies.js';
import { iamStateOf, type IamState } from '../iam/state.js';
import { checkServiceCanAssume, type ServiceRoleResult } from '../sts/serviceRole.js';
import { invalidParameter } from './common.js';

export const LAMBDA_SERVICE = 'lambda.amazonaws.com';

const trusted = new WeakMap<IamState, Map<string, { revision: number; result: ServiceRoleResult }>>();

/**
 * Whether Lambda may assume the role, remembered until IAM changes: every new environment and
 * every log delivery asks, and the answer costs a policy evaluation.
 */
export async function lambdaRole(emulator: Emulator, roleArn: string): Promise<ServiceRoleResult> {
  const account = roleArn.split(':')[4];
  if (!/^\d{12}$/.test(account ?? '')) return checkServiceCanAssume(emulator, roleArn, LAMBDA_SERVICE);
  const state = await iamStateOf(emulator, account);
  let byRole = trusted.get(state);
  if (!byRole) trusted.set(state, (byRole = new Map()));
  const hit = byRole.get(roleArn);
  if (hit && hit.revision === state.revision) return hit.result;
  const result = await checkServiceCanAssume(emulator, roleArn, LAMBDA_SERVICE);
  byRole.set(roleArn, { revision: state.revision, result });
  return result;
}

/** CreateFunction and UpdateFunctionConfiguration: the role must exist and trust Lambda. */
export async function checkExecutionRole(emulator: Emulator, roleArn: string): Promise<void> {
  const r = await lambdaRole(emulator, roleArn);
  if (r.problem) throw invalidParameter('The role defined for the function cannot be assumed by Lambda.');
}

/**
 * The execution role as a principal, for what Lambda does on the function's behalf (writing its
 * logs, sending to its destinations): those calls are evaluated against the role's policies.
 */
export async function rolePrincipal(emulator: Emulator, roleArn: string, sessionName: string): Promise<AssumedRolePrincipal | undefined> {
  const r = await lambdaRole(emulator, roleArn);
  if (!r.role || !r.accountId) return undefined;
  const name = sessionName.replace(/[^\w+=,.@-]/g, '_').slice(0, 64);
  return {
    type: 'assumed-role',
    accountId: r.accountId,
    roleName: r.role.RoleName,
    roleId: r.role.RoleId,
    roleArn: r.role.Arn,
    sessionName: name,
    arn: `arn:aws:sts::${r.accountId}:assumed-role/${r.role.RoleName}/${name}`,
    userId: `${r.role.RoleId}:${name}`,
    expiration: emulator.clock.now() + 3600_000,
  };
}

/** Whether the execution role may do something (Lambda checks destinations and DLQs when they are set). */
export async function roleAllows(emulator: Emulator, roleArn: string, action: string, resource: string, region: string): Promise<boolean> {
  const principal = await rolePrincipal(emulator, roleArn, 'awslings-check');
  if (!principal) return false;
  const ev = await evaluate({
    principal: principal.arn,
    principalAccount: principal.accountId,
    action,
    resource,
    resourceAccount: resource.split(':')[4] || principal.accountId,
    policies: await principalPolicies(emulator, principal),
    context: globalContext(emulator, principal, region),
  });
  return ev.result === 'Allowed';
}
