import type { Tag } from '@aws-sdk/client-iam';
import type { Emulator } from '../../emulator.js';
import type { RequestContext } from '../../core/service.js';

/** Policy documents are kept as the JSON text the caller sent, already URL-decoded. */
export interface InlinePolicies {
  [name: string]: string;
}

export interface IamUser {
  UserName: string;
  UserId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  PermissionsBoundary?: string;
  Tags: Tag[];
  inline: InlinePolicies;
  attached: string[];
  groups: string[];
  loginProfile?: { CreateDate: string; PasswordResetRequired: boolean; password: string };
}

export interface IamGroup {
  GroupName: string;
  GroupId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  inline: InlinePolicies;
  attached: string[];
}

export interface IamRole {
  RoleName: string;
  RoleId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  AssumeRolePolicyDocument: string;
  Description?: string;
  MaxSessionDuration: number;
  PermissionsBoundary?: string;
  Tags: Tag[];
  inline: InlinePolicies;
  attached: string[];
  lastUsed?: { date: string; region: string };
}

export interface IamPolicyVersion {
  VersionId: string;
  Document: string;
  CreateDate: string;
}

export interface IamManagedPolicy {
  PolicyName: string;
  PolicyId: string;
  Arn: string;
  Path: string;
  Description?: string;
  CreateDate: string;
  UpdateDate: string;
  DefaultVersionId: string;
  versions: IamPolicyVersion[];
  nextVersion: number;
  Tags: Tag[];
}

export interface IamAccessKey {
  AccessKeyId: string;
  SecretAccessKey: string;
  UserName: string;
  Status: 'Active' | 'Inactive';
  CreateDate: string;
  lastUsed?: { date: string; service: string; region: string };
}

export interface IamInstanceProfile {
  InstanceProfileName: string;
  InstanceProfileId: string;
  Arn: string;
  Path: string;
  CreateDate: string;
  roles: string[];
  Tags: Tag[];
}

export interface IamOidcProvider {
  Arn: string;
  Url: string;
  ClientIDList: string[];
  ThumbprintList: string[];
  CreateDate: string;
  Tags: Tag[];
}

export interface IamState {
  users: Record<string, IamUser>;
  groups: Record<string, IamGroup>;
  roles: Record<string, IamRole>;
  /** Customer managed policies by ARN (AWS managed ones are read-only data, not state). */
  policies: Record<string, IamManagedPolicy>;
  accessKeys: Record<string, IamAccessKey>;
  instanceProfiles: Record<string, IamInstanceProfile>;
  oidcProviders: Record<string, IamOidcProvider>;
  accountAliases: string[];
  /** Bumped on every change to identities or policies, so cached evaluations know when to refresh. */
  revision: number;
}

export const initialIamState = (): IamState => ({
  users: {},
  groups: {},
  roles: {},
  policies: {},
  accessKeys: {},
  instanceProfiles: {},
  oidcProviders: {},
  accountAliases: [],
  revision: 0,
});

/** IAM is global: one state per account, whatever the request's region. */
export function iamState(ctx: Pick<RequestContext, 'emulator' | 'accountId'>): IamState {
  return ctx.emulator.stateFor<IamState>('iam', ctx.accountId, 'global');
}

export async function iamStateOf(emulator: Emulator, accountId: string): Promise<IamState> {
  await emulator.service('iam');
  return emulator.stateFor<IamState>('iam', accountId, 'global');
}

export async function findAccessKey(
  emulator: Emulator,
  accountId: string,
  accessKeyId: string,
): Promise<{ key: IamAccessKey; user: IamUser } | undefined> {
  const state = await iamStateOf(emulator, accountId);
  const key = state.accessKeys[accessKeyId];
  const user = key && state.users[key.UserName];
  return key && user ? { key, user } : undefined;
}
