import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Emulator } from '../../emulator.js';
import type { NamedPolicy, PrincipalPolicies } from '../../auth/policy.js';
import type { Principal } from '../../auth/principal.js';
import { iamStateOf, type IamManagedPolicy, type IamState } from './state.js';

export interface AwsManagedPolicyData {
  arn: string;
  path: string;
  policyId: string;
  description: string;
  defaultVersionId: string;
  createDate: string;
  updateDate: string;
  document: object;
}

let awsManaged: Map<string, IamManagedPolicy> | undefined;

/** AWS managed policies (AdministratorAccess, AWSLambdaBasicExecutionRole...), with their real documents. */
export function awsManagedPolicies(): Map<string, IamManagedPolicy> {
  if (!awsManaged) {
    const file = fileURLToPath(new URL('./data/managed-policies.json', import.meta.url));
    const data = JSON.parse(readFileSync(file, 'utf8')) as Record<string, AwsManagedPolicyData>;
    awsManaged = new Map();
    for (const [name, p] of Object.entries(data)) {
      awsManaged.set(p.arn, {
        PolicyName: name,
        PolicyId: p.policyId,
        Arn: p.arn,
        Path: p.path,
        Description: p.description,
        CreateDate: p.createDate,
        UpdateDate: p.updateDate,
        DefaultVersionId: p.defaultVersionId,
        versions: [{ VersionId: p.defaultVersionId, Document: JSON.stringify(p.document, null, 4), CreateDate: p.updateDate }],
        nextVersion: 0,
        Tags: [],
      });
    }
  }
  return awsManaged;
}

export const isAwsManagedArn = (arn: string): boolean => /^arn:aws:iam::aws:policy\//.test(arn);

/** A managed policy by ARN: the account's own, or AWS's. */
export function managedPolicy(state: IamState, arn: string): IamManagedPolicy | undefined {
  return isAwsManagedArn(arn) ? awsManagedPolicies().get(arn) : state.policies[arn];
}

export function defaultDocument(p: IamManagedPolicy): string {
  return p.versions.find((v) => v.VersionId === p.DefaultVersionId)?.Document ?? '{}';
}

function managed(state: IamState, arns: string[], out: NamedPolicy[]): void {
  for (const arn of arns) {
    const p = managedPolicy(state, arn);
    if (p) out.push({ name: p.PolicyName, arn, source: isAwsManagedArn(arn) ? 'aws-managed' : 'user-managed', document: defaultDocument(p) });
  }
}

function boundaryOf(state: IamState, arn: string | undefined): NamedPolicy | undefined {
  if (!arn) return undefined;
  const p = managedPolicy(state, arn);
  return p && { name: p.PolicyName, arn, source: 'boundary', document: defaultDocument(p) };
}

/** The policies that apply to a principal's requests: its own, its groups', its boundary and session policy. */
export async function principalPolicies(emulator: Emulator, principal: Principal): Promise<PrincipalPolicies> {
  const state = await iamStateOf(emulator, principal.accountId);
  const identity: NamedPolicy[] = [];
  if (principal.type === 'user') {
    const user = state.users[principal.userName];
    if (!user) return { identity };
    for (const [name, document] of Object.entries(user.inline)) identity.push({ name, source: 'user', document });
    managed(state, user.attached, identity);
    for (const g of user.groups) {
      const group = state.groups[g];
      if (!group) continue;
      for (const [name, document] of Object.entries(group.inline)) identity.push({ name, source: 'group', document });
      managed(state, group.attached, identity);
    }
    return { identity, boundary: boundaryOf(state, user.PermissionsBoundary) };
  }
  if (principal.type === 'assumed-role') {
    const role = state.roles[principal.roleName];
    if (!role) return { identity };
    for (const [name, document] of Object.entries(role.inline)) identity.push({ name, source: 'role', document });
    managed(state, role.attached, identity);
    return {
      identity,
      boundary: boundaryOf(state, role.PermissionsBoundary),
      session: principal.sessionPolicy ? { name: 'session policy', source: 'session', document: principal.sessionPolicy } : undefined,
    };
  }
  if (principal.type === 'federated-user') {
    const session: NamedPolicy = { name: 'session policy', source: 'session', document: principal.sessionPolicy };
    if (!principal.parentUser) {
      const all = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
      return { identity: [{ name: 'root', source: 'root', document: all }], session };
    }
    const parent = await principalPolicies(emulator, {
      type: 'user',
      accountId: principal.accountId,
      userName: principal.parentUser,
      userId: '',
      arn: '',
    });
    return { ...parent, session };
  }
  return { identity };
}
