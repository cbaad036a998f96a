import type {
  CreateAccessKeyResponse,
  CreateGroupResponse,
  CreateInstanceProfileResponse,
  CreatePolicyResponse,
  CreateRoleResponse,
  CreateUserResponse,
  ListPolicyVersionsResponse,
} from '@aws-sdk/client-iam';
import { isAwsError } from '../../../core/errors.js';
import { asJson, changed, physicalName, type ProviderContext, type ResourceProvider } from './types.js';

type Kind = 'Role' | 'User' | 'Group';
type InlinePolicy = { PolicyName: string; PolicyDocument: unknown };

/** Deletes that find nothing left are fine: the resource is gone either way. */
async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(isAwsError(e) && e.code === 'NoSuchEntity')) throw e;
  }
}

const nameKey = (kind: Kind) => `${kind}Name`;

/** Attaches and detaches managed policies, and puts and deletes inline ones, to go from `before` to `after`. */
async function syncPolicies(ctx: ProviderContext, kind: Kind, name: string, after: Record<string, any>, before: Record<string, any> = {}): Promise<void> {
  const id = { [nameKey(kind)]: name };
  const oldArns = new Set<string>(before.ManagedPolicyArns ?? []);
  const newArns = new Set<string>(after.ManagedPolicyArns ?? []);
  for (const arn of oldArns) if (!newArns.has(arn)) await ignoreMissing(ctx.call('iam', `Detach${kind}Policy`, { ...id, PolicyArn: arn }));
  for (const arn of newArns) if (!oldArns.has(arn)) await ctx.call('iam', `Attach${kind}Policy`, { ...id, PolicyArn: arn });
  const oldInline = new Map<string, InlinePolicy>((before.Policies ?? []).map((p: InlinePolicy) => [p.PolicyName, p]));
  const newInline = new Map<string, InlinePolicy>((after.Policies ?? []).map((p: InlinePolicy) => [p.PolicyName, p]));
  for (const n of oldInline.keys()) if (!newInline.has(n)) await ignoreMissing(ctx.call('iam', `Delete${kind}Policy`, { ...id, PolicyName: n }));
  for (const [n, p] of newInline) {
    if (!oldInline.has(n) || changed(oldInline.get(n)!.PolicyDocument, p.PolicyDocument)) {
      await ctx.call('iam', `Put${kind}Policy`, { ...id, PolicyName: n, PolicyDocument: asJson(p.PolicyDocument) });
    }
  }
}

async function syncTags(ctx: ProviderContext, kind: 'Role' | 'User', name: string, after: Record<string, any>, before: Record<string, any>): Promise<void> {
  if (!changed(after.Tags, before.Tags)) return;
  const keep = new Set((after.Tags ?? []).map((t: { Key: string }) => t.Key));
  const gone = (before.Tags ?? []).map((t: { Key: string }) => t.Key).filter((k: string) => !keep.has(k));
  if (gone.length) await ctx.call('iam', `Untag${kind}`, { [nameKey(kind)]: name, TagKeys: gone });
  if (after.Tags?.length) await ctx.call('iam', `Tag${kind}`, { [nameKey(kind)]: name, Tags: after.Tags });
}

export const role: ResourceProvider = {
  type: 'AWS::IAM::Role',
  service: 'iam',
  replaceOn: ['RoleName', 'Path'],
  required: ['AssumeRolePolicyDocument'],
  async create(ctx, p) {
    const name = p.RoleName ?? physicalName(ctx, { max: 64 });
    const out = await ctx.call<CreateRoleResponse>('iam', 'CreateRole', {
      RoleName: name,
      AssumeRolePolicyDocument: asJson(p.AssumeRolePolicyDocument),
      Description: p.Description,
      MaxSessionDuration: p.MaxSessionDuration !== undefined ? Number(p.MaxSessionDuration) : undefined,
      Path: p.Path,
      PermissionsBoundary: p.PermissionsBoundary,
      Tags: p.Tags,
    });
    await syncPolicies(ctx, 'Role', name, p);
    return { physicalId: name, attributes: { Arn: out.Role!.Arn, RoleId: out.Role!.RoleId } };
  },
  async update(ctx, name, p, old) {
    if (changed(p.AssumeRolePolicyDocument, old.AssumeRolePolicyDocument)) {
      await ctx.call('iam', 'UpdateAssumeRolePolicy', { RoleName: name, PolicyDocument: asJson(p.AssumeRolePolicyDocument) });
    }
    if (changed(p.Description, old.Description) || changed(p.MaxSessionDuration, old.MaxSessionDuration)) {
      await ctx.call('iam', 'UpdateRole', { RoleName: name, Description: p.Description ?? '', MaxSessionDuration: p.MaxSessionDuration !== undefined ? Number(p.MaxSessionDuration) : undefined });
    }
    if (changed(p.PermissionsBoundary, old.PermissionsBoundary)) {
      if (p.PermissionsBoundary) await ctx.call('iam', 'PutRolePermissionsBoundary', { RoleName: name, PermissionsBoundary: p.PermissionsBoundary });
      else await ctx.call('iam', 'DeleteRolePermissionsBoundary', { RoleName: name });
    }
    await syncTags(ctx, 'Role', name, p, old);
    await syncPolicies(ctx, 'Role', name, p, old);
  },
  async delete(ctx, name, p) {
    await ignoreMissing(syncPolicies(ctx, 'Role', name, {}, p));
    await ignoreMissing(ctx.call('iam', 'DeleteRole', { RoleName: name }));
  },
};

export const user: ResourceProvider = {
  type: 'AWS::IAM::User',
  service: 'iam',
  replaceOn: ['UserName'],
  async create(ctx, p) {
    const name = p.UserName ?? physicalName(ctx, { max: 64 });
    const out = await ctx.call<CreateUserResponse>('iam', 'CreateUser', { UserName: name, Path: p.Path, PermissionsBoundary: p.PermissionsBoundary, Tags: p.Tags });
    for (const g of p.Groups ?? []) await ctx.call('iam', 'AddUserToGroup', { UserName: name, GroupName: g });
    if (p.LoginProfile) await ctx.call('iam', 'CreateLoginProfile', { UserName: name, Password: p.LoginProfile.Password, PasswordResetRequired: p.LoginProfile.PasswordResetRequired === true || p.LoginProfile.PasswordResetRequired === 'true' });
    await syncPolicies(ctx, 'User', name, p);
    return { physicalId: name, attributes: { Arn: out.User!.Arn } };
  },
  async update(ctx, name, p, old) {
    const before = new Set<string>(old.Groups ?? []);
    const after = new Set<string>(p.Groups ?? []);
    for (const g of before) if (!after.has(g)) await ignoreMissing(ctx.call('iam', 'RemoveUserFromGroup', { UserName: name, GroupName: g }));
    for (const g of after) if (!before.has(g)) await ctx.call('iam', 'AddUserToGroup', { UserName: name, GroupName: g });
    if (changed(p.Path, old.Path)) await ctx.call('iam', 'UpdateUser', { UserName: name, NewPath: p.Path ?? '/' });
    await syncTags(ctx, 'User', name, p, old);
    await syncPolicies(ctx, 'User', name, p, old);
  },
  async delete(ctx, name, p) {
    for (const g of p.Groups ?? []) await ignoreMissing(ctx.call('iam', 'RemoveUserFromGroup', { UserName: name, GroupName: g }));
    if (p.LoginProfile) await ignoreMissing(ctx.call('iam', 'DeleteLoginProfile', { UserName: name }));
    await ignoreMissing(syncPolicies(ctx, 'User', name, {}, p));
    await ignoreMissing(ctx.call('iam', 'DeleteUser', { UserName: name }));
  },
};

export const group: ResourceProvider = {
  type: 'AWS::IAM::Group',
  service: 'iam',
  replaceOn: ['GroupName'],
  async create(ctx, p) {
    const name = p.GroupName ?? physicalName(ctx, { max: 128 });
    const out = await ctx.call<CreateGroupResponse>('iam', 'CreateGroup', { GroupName: name, Path: p.Path });
    await syncPolicies(ctx, 'Group', name, p);
    return { physicalId: name, attributes: { Arn: out.Group!.Arn } };
  },
  async update(ctx, name, p, old) {
    if (changed(p.Path, old.Path)) await ctx.call('iam', 'UpdateGroup', { GroupName: name, NewPath: p.Path ?? '/' });
    await syncPolicies(ctx, 'Group', name, p, old);
  },
  async delete(ctx, name, p) {
    await ignoreMissing(syncPolicies(ctx, 'Group', name, {}, p));
    await ignoreMissing(ctx.call('iam', 'DeleteGroup', { GroupName: name }));
  },
};

/** AWS::IAM::Policy: one inline policy put on each listed role, user and group. */
export const policy: ResourceProvider = {
  type: 'AWS::IAM::Policy',
  service: 'iam',
  replaceOn: [],
  required: ['PolicyName', 'PolicyDocument'],
  async create(ctx, p) {
    if (!p.Roles?.length && !p.Users?.length && !p.Groups?.length) {
      throw new Error('At least one of [Groups,Roles,Users] must be non-empty.');
    }
    await putInline(ctx, p);
    return { physicalId: physicalName(ctx, { max: 64 }).replace(`-${ctx.logicalId}-`, `-${ctx.logicalId.slice(0, 5)}-`) };
  },
  async update(ctx, _id, p, old) {
    await deleteInline(ctx, old, p);
    await putInline(ctx, p);
  },
  async delete(ctx, _id, p) {
    await deleteInline(ctx, p);
  },
};

async function putInline(ctx: ProviderContext, p: Record<string, any>): Promise<void> {
  const doc = asJson(p.PolicyDocument);
  for (const r of p.Roles ?? []) await ctx.call('iam', 'PutRolePolicy', { RoleName: r, PolicyName: p.PolicyName, PolicyDocument: doc });
  for (const u of p.Users ?? []) await ctx.call('iam', 'PutUserPolicy', { UserName: u, PolicyName: p.PolicyName, PolicyDocument: doc });
  for (const g of p.Groups ?? []) await ctx.call('iam', 'PutGroupPolicy', { GroupName: g, PolicyName: p.PolicyName, PolicyDocument: doc });
}

/** Removes the inline policy from entities, except those `keep` still puts it on under the same name. */
async function deleteInline(ctx: ProviderContext, p: Record<string, any>, keep?: Record<string, any>): Promise<void> {
  const kept = (list: string, name: string) => keep?.PolicyName === p.PolicyName && (keep?.[list] ?? []).includes(name);
  for (const r of p.Roles ?? []) if (!kept('Roles', r)) await ignoreMissing(ctx.call('iam', 'DeleteRolePolicy', { RoleName: r, PolicyName: p.PolicyName }));
  for (const u of p.Users ?? []) if (!kept('Users', u)) await ignoreMissing(ctx.call('iam', 'DeleteUserPolicy', { UserName: u, PolicyName: p.PolicyName }));
  for (const g of p.Groups ?? []) if (!kept('Groups', g)) await ignoreMissing(ctx.call('iam', 'DeleteGroupPolicy', { GroupName: g, PolicyName: p.PolicyName }));
}

async function syncAttachments(ctx: ProviderContext, arn: string, after: Record<string, any>, before: Record<string, any> = {}): Promise<void> {
  for (const [list, kind] of [['Roles', 'Role'], ['Users', 'User'], ['Groups', 'Group']] as const) {
    const oldSet = new Set<string>(before[list] ?? []);
    const newSet = new Set<string>(after[list] ?? []);
    for (const n of oldSet) if (!newSet.has(n)) await ignoreMissing(ctx.call('iam', `Detach${kind}Policy`, { [nameKey(kind)]: n, PolicyArn: arn }));
    for (const n of newSet) if (!oldSet.has(n)) await ctx.call('iam', `Attach${kind}Policy`, { [nameKey(kind)]: n, PolicyArn: arn });
  }
}

export const managedPolicy: ResourceProvider = {
  type: 'AWS::IAM::ManagedPolicy',
  service: 'iam',
  replaceOn: ['ManagedPolicyName', 'Path', 'Description'],
  required: ['PolicyDocument'],
  async create(ctx, p) {
    const out = await ctx.call<CreatePolicyResponse>('iam', 'CreatePolicy', {
      PolicyName: p.ManagedPolicyName ?? physicalName(ctx, { max: 128 }),
      Path: p.Path,
      Description: p.Description,
      PolicyDocument: asJson(p.PolicyDocument),
    });
    const arn = out.Policy!.Arn!;
    await syncAttachments(ctx, arn, p);
    return { physicalId: arn, attributes: { PolicyArn: arn, DefaultVersionId: out.Policy!.DefaultVersionId, AttachmentCount: out.Policy!.AttachmentCount, PolicyId: out.Policy!.PolicyId, CreateDate: out.Policy!.CreateDate?.toISOString() } };
  },
  async update(ctx, arn, p, old) {
    if (changed(p.PolicyDocument, old.PolicyDocument)) {
      const versions = await ctx.call<ListPolicyVersionsResponse>('iam', 'ListPolicyVersions', { PolicyArn: arn });
      const stale = (versions.Versions ?? []).filter((v) => !v.IsDefaultVersion);
      // IAM keeps five versions: make room for the new one.
      if ((versions.Versions ?? []).length >= 5 && stale.length) await ctx.call('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: stale[stale.length - 1].VersionId });
      await ctx.call('iam', 'CreatePolicyVersion', { PolicyArn: arn, PolicyDocument: asJson(p.PolicyDocument), SetAsDefault: true });
    }
    await syncAttachments(ctx, arn, p, old);
  },
  async delete(ctx, arn, p) {
    await ignoreMissing(syncAttachments(ctx, arn, {}, p));
    try {
      const versions = await ctx.call<ListPolicyVersionsResponse>('iam', 'ListPolicyVersions', { PolicyArn: arn });
      for (const v of versions.Versions ?? []) if (!v.IsDefaultVersion) await ctx.call('iam', 'DeletePolicyVersion', { PolicyArn: arn, VersionId: v.VersionId });
    } catch (e) {
      if (!(isAwsError(e) && e.code === 'NoSuchEntity')) throw e;
    }
    await ignoreMissing(ctx.call('iam', 'DeletePolicy', { PolicyArn: arn }));
  },
};

export const accessKey: ResourceProvider = {
  type: 'AWS::IAM::AccessKey',
  service: 'iam',
  replaceOn: ['UserName', 'Serial'],
  required: ['UserName'],
  async create(ctx, p) {
    const out = await ctx.call<CreateAccessKeyResponse>('iam', 'CreateAccessKey', { UserName: p.UserName });
    const key = out.AccessKey!;
    if (p.Status === 'Inactive') await ctx.call('iam', 'UpdateAccessKey', { UserName: p.UserName, AccessKeyId: key.AccessKeyId, Status: 'Inactive' });
    return { physicalId: key.AccessKeyId!, attributes: { SecretAccessKey: key.SecretAccessKey } };
  },
  async update(ctx, id, p) {
    await ctx.call('iam', 'UpdateAccessKey', { UserName: p.UserName, AccessKeyId: id, Status: p.Status ?? 'Active' });
  },
  async delete(ctx, id, p) {
    await ignoreMissing(ctx.call('iam', 'DeleteAccessKey', { UserName: p.UserName, AccessKeyId: id }));
  },
};

export const instanceProfile: ResourceProvider = {
  type: 'AWS::IAM::InstanceProfile',
  service: 'iam',
  replaceOn: ['InstanceProfileName', 'Path'],
  required: ['Roles'],
  async create(ctx, p) {
    const name = p.InstanceProfileName ?? physicalName(ctx, { max: 128 });
    const out = await ctx.call<CreateInstanceProfileResponse>('iam', 'CreateInstanceProfile', { InstanceProfileName: name, Path: p.Path });
    for (const r of p.Roles ?? []) await ctx.call('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: name, RoleName: r });
    return { physicalId: name, attributes: { Arn: out.InstanceProfile!.Arn } };
  },
  async update(ctx, name, p, old) {
    const before = new Set<string>(old.Roles ?? []);
    const after = new Set<string>(p.Roles ?? []);
    for (const r of before) if (!after.has(r)) await ignoreMissing(ctx.call('iam', 'RemoveRoleFromInstanceProfile', { InstanceProfileName: name, RoleName: r }));
    for (const r of after) if (!before.has(r)) await ctx.call('iam', 'AddRoleToInstanceProfile', { InstanceProfileName: name, RoleName: r });
  },
  async delete(ctx, name, p) {
    for (const r of p.Roles ?? []) await ignoreMissing(ctx.call('iam', 'RemoveRoleFromInstanceProfile', { InstanceProfileName: name, RoleName: r }));
    await ignoreMissing(ctx.call('iam', 'DeleteInstanceProfile', { InstanceProfileName: name }));
  },
};
