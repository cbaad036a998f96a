import type {
  CreatePolicyRequest,
  CreatePolicyResponse,
  CreatePolicyVersionRequest,
  CreatePolicyVersionResponse,
  DeletePolicyRequest,
  DeletePolicyVersionRequest,
  GetPolicyRequest,
  GetPolicyResponse,
  GetPolicyVersionRequest,
  GetPolicyVersionResponse,
  ListEntitiesForPolicyRequest,
  ListEntitiesForPolicyResponse,
  ListPoliciesRequest,
  ListPoliciesResponse,
  ListPolicyTagsRequest,
  ListPolicyTagsResponse,
  ListPolicyVersionsRequest,
  ListPolicyVersionsResponse,
  Policy,
  PolicyVersion,
  SetDefaultPolicyVersionRequest,
  TagPolicyRequest,
  UntagPolicyRequest,
} from '@aws-sdk/client-iam';
import { tagOperations } from './tagging.js';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { iamUniqueId } from '../../core/ids.js';
import { iamState, type IamManagedPolicy, type IamPolicyVersion, type IamState } from './state.js';
import {
  alreadyExists,
  checkName,
  checkPath,
  checkPolicyDocument,
  date,
  deleteConflict,
  encodeDocument,
  iamArn,
  mergeTags,
  noSuchEntity,
  nowIso,
  paginate,
  touch,
} from './common.js';
import { awsManagedPolicies, isAwsManagedArn, managedPolicy } from './policies.js';

/** Checks an ARN is shaped like a policy ARN; IAM answers a malformed one with this odd message. */
export function checkPolicyArn(arn: string | undefined): string {
  if (!arn || !/^arn:aws[\w-]*:iam::(\d{12}|aws):policy\/.+/.test(arn)) {
    throw new AwsError('ValidationError', `Invalid ARN:  Could not be parsed!`, 400);
  }
  return arn;
}

/** A managed policy that can be attached, or IAM's NoSuchEntity. */
export function attachablePolicy(ctx: RequestContext, arn: string | undefined): IamManagedPolicy {
  const p = managedPolicy(iamState(ctx), checkPolicyArn(arn));
  if (!p) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
  return p;
}

function ownPolicy(ctx: RequestContext, arn: string | undefined): IamManagedPolicy {
  checkPolicyArn(arn);
  const p = managedPolicy(iamState(ctx), arn!);
  if (!p) throw noSuchEntity(`Policy ${arn} was not found.`);
  return p;
}

function usage(state: IamState, arn: string): { attachments: number; boundaries: number } {
  let attachments = 0;
  let boundaries = 0;
  for (const e of [...Object.values(state.users), ...Object.values(state.groups), ...Object.values(state.roles)]) {
    if (e.attached.includes(arn)) attachments++;
    if ('PermissionsBoundary' in e && e.PermissionsBoundary === arn) boundaries++;
  }
  return { attachments, boundaries };
}

export function toPolicy(state: IamState, p: IamManagedPolicy, view: 'create' | 'get' | 'list'): Policy {
  const u = usage(state, p.Arn);
  return {
    PolicyName: p.PolicyName,
    PolicyId: p.PolicyId,
    Arn: p.Arn,
    Path: p.Path,
    DefaultVersionId: p.DefaultVersionId,
    AttachmentCount: u.attachments,
    PermissionsBoundaryUsageCount: u.boundaries,
    IsAttachable: true,
    Description: view === 'get' ? p.Description : undefined,
    CreateDate: date(p.CreateDate),
    UpdateDate: date(p.UpdateDate),
    Tags: view !== 'list' && p.Tags.length ? p.Tags : undefined,
  };
}

const toVersion = (p: IamManagedPolicy, v: IamPolicyVersion, withDocument: boolean): PolicyVersion => ({
  Document: withDocument ? encodeDocument(v.Document) : undefined,
  VersionId: v.VersionId,
  IsDefaultVersion: v.VersionId === p.DefaultVersionId,
  CreateDate: date(v.CreateDate),
});

export const CreatePolicy = operation<CreatePolicyRequest, CreatePolicyResponse>({
  authorize: (i, ctx) => ({ action: 'iam:CreatePolicy', resource: iamArn(ctx.accountId, 'policy', i.Path ?? '/', i.PolicyName!) }),
  handler(input, ctx) {
    const state = iamState(ctx);
    const name = input.PolicyName!;
    checkName(name, 'policyName', 128);
    const path = checkPath(input.Path);
    const arn = iamArn(ctx.accountId, 'policy', path, name);
    if (Object.values(state.policies).some((p) => p.PolicyName === name && p.Path === path)) {
      throw alreadyExists(`A policy called ${name} already exists. Duplicate names are not allowed.`);
    }
    const document = checkPolicyDocument(input.PolicyDocument!, 'identity');
    const now = nowIso(ctx);
    const policy: IamManagedPolicy = {
      PolicyName: name,
      PolicyId: iamUniqueId('ANPA'),
      Arn: arn,
      Path: path,
      Description: input.Description,
      CreateDate: now,
      UpdateDate: now,
      DefaultVersionId: 'v1',
      versions: [{ VersionId: 'v1', Document: document, CreateDate: now }],
      nextVersion: 2,
      Tags: mergeTags([], input.Tags),
    };
    state.policies[arn] = policy;
    touch(state);
    return { Policy: toPolicy(state, policy, 'create') };
  },
});

export const GetPolicy = operation<GetPolicyRequest, GetPolicyResponse>({
  authorize: (i) => ({ action: 'iam:GetPolicy', resource: i.PolicyArn! }),
  handler: (input, ctx) => ({ Policy: toPolicy(iamState(ctx), ownPolicy(ctx, input.PolicyArn), 'get') }),
});

export const ListPolicies = operation<ListPoliciesRequest, ListPoliciesResponse>({
  handler(input, ctx) {
    const state = iamState(ctx);
    const scope = input.Scope ?? 'All';
    let all: IamManagedPolicy[] = [];
    if (scope !== 'Local') all.push(...awsManagedPolicies().values());
    if (scope !== 'AWS') all.push(...Object.values(state.policies));
    if (input.PathPrefix) all = all.filter((p) => p.Path.startsWith(input.PathPrefix!));
    if (input.OnlyAttached) all = all.filter((p) => usage(state, p.Arn).attachments > 0);
    if (input.PolicyUsageFilter === 'PermissionsBoundary') all = all.filter((p) => usage(state, p.Arn).boundaries > 0);
    if (input.PolicyUsageFilter === 'PermissionsPolicy') all = all.filter((p) => usage(state, p.Arn).attachments > 0);
    all.sort((a, b) => a.PolicyName.localeCompare(b.PolicyName));
    const { page, IsTruncated, Marker } = paginate(all, input.Marker, input.MaxItems);
    return { Policies: page.map((p) => toPolicy(state, p, 'list')), IsTruncated, Marker };
  },
});

export const DeletePolicy = operation<DeletePolicyRequest, object>({
  authorize: (i) => ({ action: 'iam:DeletePolicy', resource: i.PolicyArn! }),
  handler(input, ctx) {
    const state = iamState(ctx);
    if (isAwsManagedArn(checkPolicyArn(input.PolicyArn))) {
      throw new AwsError('AccessDenied', 'AWS managed policies cannot be deleted.', 403);
    }
    const p = ownPolicy(ctx, input.PolicyArn);
    const u = usage(state, p.Arn);
    if (u.attachments || u.boundaries) throw deleteConflict('Cannot delete a policy attached to entities.');
    if (p.versions.length > 1) {
      throw deleteConflict(
        "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      );
    }
    delete state.policies[p.Arn];
    touch(state);
    return {};
  },
});

export const CreatePolicyVersion = operation<CreatePolicyVersionRequest, CreatePolicyVersionResponse>({
  authorize: (i) => ({ action: 'iam:CreatePolicyVersion', resource: i.PolicyArn! }),
  handler(input, ctx) {
    const state = iamState(ctx);
    if (isAwsManagedArn(checkPolicyArn(input.PolicyArn))) throw new AwsError('AccessDenied', 'AWS managed policies cannot be changed.', 403);
    const p = ownPolicy(ctx, input.PolicyArn);
    if (p.versions.length >= 5) {
      throw new AwsError(
        'LimitExceeded',
        'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
        409,
      );
    }
    const document = checkPolicyDocument(input.PolicyDocument!, 'identity');
    const now = nowIso(ctx);
    const v: IamPolicyVersion = { VersionId: `v${p.nextVersion++}`, Document: document, CreateDate: now };
    p.versions.push(v);
    if (input.SetAsDefault) p.DefaultVersionId = v.VersionId;
    p.UpdateDate = now;
    touch(state);
    return { PolicyVersion: toVersion(p, v, false) };
  },
});

export const GetPolicyVersion = operation<GetPolicyVersionRequest, GetPolicyVersionResponse>({
  authorize: (i) => ({ action: 'iam:GetPolicyVersion', resource: i.PolicyArn! }),
  handler(input, ctx) {
    const p = ownPolicy(ctx, input.PolicyArn);
    const v = p.versions.find((x) => x.VersionId === input.VersionId);
    if (!v) throw noSuchEntity(`Policy ${p.Arn} version ${input.VersionId} does not exist or is not attachable.`);
    return { PolicyVersion: toVersion(p, v, true) };
  },
});

export const ListPolicyVersions = operation<ListPolicyVersionsRequest, ListPolicyVersionsResponse>({
  authorize: (i) => ({ action: 'iam:ListPolicyVersions', resource: i.PolicyArn! }),
  handler(input, ctx) {
    const p = ownPolicy(ctx, input.PolicyArn);
    const versions = [...p.versions].reverse();
    const { page, IsTruncated, Marker } = paginate(versions, input.Marker, input.MaxItems);
    return { Versions: page.map((v) => toVersion(p, v, false)), IsTruncated, Marker };
  },
});

export const DeletePolicyVersion = operation<DeletePolicyVersionRequest, object>({
  authorize: (i) => ({ action: 'iam:DeletePolicyVersion', resource: i.PolicyArn! }),
  handler(input, ctx) {
    const p = ownPolicy(ctx, input.PolicyArn);
    if (input.VersionId === p.DefaultVersionId) throw deleteConflict('Cannot delete the default version of a policy.');
    const before = p.versions.length;
    p.versions = p.versions.filter((v) => v.VersionId !== input.VersionId);
    if (p.versions.length === before) throw noSuchEntity(`Policy ${p.Arn} version ${input.VersionId} does not exist or is not deletable.`);
    touch(iamState(ctx));
    return {};
  },
});

export const SetDefaultPolicyVersion = operation<SetDefaultPolicyVersionRequest, object>({
  authorize: (i) => ({ action: 'iam:SetDefaultPolicyVersion', resource: i.PolicyArn! }),
  handler(input, ctx) {
    const p = ownPolicy(ctx, input.PolicyArn);
    if (!p.versions.some((v) => v.VersionId === input.VersionId)) {
      throw noSuchEntity(`Policy ${p.Arn} version ${input.VersionId} does not exist or is not attachable.`);
    }
    p.DefaultVersionId = input.VersionId!;
    p.UpdateDate = nowIso(ctx);
    touch(iamState(ctx));
    return {};
  },
});

const policyTags = tagOperations<TagPolicyRequest, UntagPolicyRequest, ListPolicyTagsRequest, ListPolicyTagsResponse>(
  'Policy',
  (i, ctx) => ownPolicy(ctx, i.PolicyArn),
  (i) => i.PolicyArn!,
);
export const TagPolicy = policyTags.tag;
export const UntagPolicy = policyTags.untag;
export const ListPolicyTags = policyTags.list;

export const ListEntitiesForPolicy = operation<ListEntitiesForPolicyRequest, ListEntitiesForPolicyResponse>({
  authorize: (i) => ({ action: 'iam:ListEntitiesForPolicy', resource: i.PolicyArn! }),
  handler(input, ctx) {
    const state = iamState(ctx);
    const p = ownPolicy(ctx, input.PolicyArn);
    const filter = input.EntityFilter;
    const want = (kind: string) => !filter || filter === kind;
    return {
      PolicyUsers: want('User') ? Object.values(state.users).filter((u) => u.attached.includes(p.Arn)).map((u) => ({ UserName: u.UserName, UserId: u.UserId })) : [],
      PolicyGroups: want('Group') ? Object.values(state.groups).filter((g) => g.attached.includes(p.Arn)).map((g) => ({ GroupName: g.GroupName, GroupId: g.GroupId })) : [],
      PolicyRoles: want('Role') ? Object.values(state.roles).filter((r) => r.attached.includes(p.Arn)).map((r) => ({ RoleName: r.RoleName, RoleId: r.RoleId })) : [],
      IsTruncated: false,
    };
  },
});
