/**
 * Policies on users, groups and roles: managed policies attached to them, and inline policies
 * embedded in them. The three entity kinds behave alike, so each operation is a thin typed
 * wrapper over one shared implementation.
 */
import type {
  AttachGroupPolicyRequest,
  AttachRolePolicyRequest,
  AttachUserPolicyRequest,
  AttachedPolicy,
  DeleteGroupPolicyRequest,
  DeleteRolePolicyRequest,
  DeleteUserPolicyRequest,
  DetachGroupPolicyRequest,
  DetachRolePolicyRequest,
  DetachUserPolicyRequest,
  GetGroupPolicyRequest,
  GetGroupPolicyResponse,
  GetRolePolicyRequest,
  GetRolePolicyResponse,
  GetUserPolicyRequest,
  GetUserPolicyResponse,
  ListAttachedGroupPoliciesRequest,
  ListAttachedGroupPoliciesResponse,
  ListAttachedRolePoliciesRequest,
  ListAttachedRolePoliciesResponse,
  ListAttachedUserPoliciesRequest,
  ListAttachedUserPoliciesResponse,
  ListGroupPoliciesRequest,
  ListGroupPoliciesResponse,
  ListRolePoliciesRequest,
  ListRolePoliciesResponse,
  ListUserPoliciesRequest,
  ListUserPoliciesResponse,
  PutGroupPolicyRequest,
  PutRolePolicyRequest,
  PutUserPolicyRequest,
} from '@aws-sdk/client-iam';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { iamState, type InlinePolicies } from './state.js';
import { checkName, checkPolicyDocument, encodeDocument, noSuchEntity, paginate, touch } from './common.js';
import { getUserRecord, userArn } from './users.js';
import { getGroupRecord, groupArn } from './groups.js';
import { getRoleRecord, roleArn } from './roles.js';
import { attachablePolicy, checkPolicyArn } from './managedPolicies.js';
import { managedPolicy } from './policies.js';

type Kind = 'user' | 'group' | 'role';

interface Entity {
  inline: InlinePolicies;
  attached: string[];
}

function entity(ctx: RequestContext, kind: Kind, name: string | undefined): Entity {
  return kind === 'user' ? getUserRecord(ctx, name) : kind === 'group' ? getGroupRecord(ctx, name) : getRoleRecord(ctx, name);
}

const arnOf = (ctx: RequestContext, kind: Kind, name: string) =>
  kind === 'user' ? userArn(ctx, name) : kind === 'group' ? groupArn(ctx, name) : roleArn(ctx, name);

const MAX_ATTACHED = 10;

function attach(ctx: RequestContext, kind: Kind, name: string | undefined, arn: string | undefined): object {
  const e = entity(ctx, kind, name);
  const policy = attachablePolicy(ctx, arn);
  if (!e.attached.includes(policy.Arn)) {
    if (e.attached.length >= MAX_ATTACHED) {
      throw new AwsError('LimitExceeded', `Cannot exceed quota for PoliciesPer${kind[0].toUpperCase() + kind.slice(1)}: ${MAX_ATTACHED}`, 409);
    }
    e.attached.push(policy.Arn);
  }
  touch(iamState(ctx));
  return {};
}

function detach(ctx: RequestContext, kind: Kind, name: string | undefined, arn: string | undefined): object {
  const e = entity(ctx, kind, name);
  checkPolicyArn(arn);
  if (!e.attached.includes(arn!)) throw noSuchEntity(`Policy ${arn} was not found.`);
  e.attached = e.attached.filter((a) => a !== arn);
  touch(iamState(ctx));
  return {};
}

function listAttached(
  ctx: RequestContext,
  kind: Kind,
  name: string | undefined,
  input: { PathPrefix?: string; Marker?: string; MaxItems?: number },
): { AttachedPolicies: AttachedPolicy[]; IsTruncated: boolean; Marker?: string } {
  const e = entity(ctx, kind, name);
  const state = iamState(ctx);
  const all = e.attached
    .map((arn) => managedPolicy(state, arn))
    .filter((p) => p && (!input.PathPrefix || p.Path.startsWith(input.PathPrefix)))
    .map((p) => ({ PolicyName: p!.PolicyName, PolicyArn: p!.Arn }));
  const { page, IsTruncated, Marker } = paginate(all, input.Marker, input.MaxItems);
  return { AttachedPolicies: page, IsTruncated, Marker };
}

function putInline(ctx: RequestContext, kind: Kind, name: string | undefined, policyName: string | undefined, doc: string | undefined): object {
  const e = entity(ctx, kind, name);
  checkName(policyName!, 'policyName', 128);
  e.inline[policyName!] = checkPolicyDocument(doc!, 'identity');
  touch(iamState(ctx));
  return {};
}

function getInline(ctx: RequestContext, kind: Kind, name: string | undefined, policyName: string | undefined) {
  const e = entity(ctx, kind, name);
  const doc = e.inline[policyName!];
  if (doc === undefined) throw noSuchEntity(`The ${kind} policy with name ${policyName} cannot be found.`);
  return { PolicyName: policyName!, PolicyDocument: encodeDocument(doc) };
}

function deleteInline(ctx: RequestContext, kind: Kind, name: string | undefined, policyName: string | undefined): object {
  const e = entity(ctx, kind, name);
  if (e.inline[policyName!] === undefined) throw noSuchEntity(`The ${kind} policy with name ${policyName} cannot be found.`);
  delete e.inline[policyName!];
  touch(iamState(ctx));
  return {};
}

function listInline(ctx: RequestContext, kind: Kind, name: string | undefined, input: { Marker?: string; MaxItems?: number }) {
  const names = Object.keys(entity(ctx, kind, name).inline).sort();
  const { page, IsTruncated, Marker } = paginate(names, input.Marker, input.MaxItems);
  return { PolicyNames: page, IsTruncated, Marker };
}

const auth = (action: string, kind: Kind, pick: (i: any) => string) => (i: any, ctx: RequestContext) => ({
  action: `iam:${action}`,
  resource: arnOf(ctx, kind, pick(i)),
});

export const AttachUserPolicy = operation<AttachUserPolicyRequest, object>({
  authorize: auth('AttachUserPolicy', 'user', (i) => i.UserName),
  handler: (i, ctx) => attach(ctx, 'user', i.UserName, i.PolicyArn),
});
export const AttachGroupPolicy = operation<AttachGroupPolicyRequest, object>({
  authorize: auth('AttachGroupPolicy', 'group', (i) => i.GroupName),
  handler: (i, ctx) => attach(ctx, 'group', i.GroupName, i.PolicyArn),
});
export const AttachRolePolicy = operation<AttachRolePolicyRequest, object>({
  authorize: auth('AttachRolePolicy', 'role', (i) => i.RoleName),
  handler: (i, ctx) => attach(ctx, 'role', i.RoleName, i.PolicyArn),
});

export const DetachUserPolicy = operation<DetachUserPolicyRequest, object>({
  authorize: auth('DetachUserPolicy', 'user', (i) => i.UserName),
  handler: (i, ctx) => detach(ctx, 'user', i.UserName, i.PolicyArn),
});
export const DetachGroupPolicy = operation<DetachGroupPolicyRequest, object>({
  authorize: auth('DetachGroupPolicy', 'group', (i) => i.GroupName),
  handler: (i, ctx) => detach(ctx, 'group', i.GroupName, i.PolicyArn),
});
export const DetachRolePolicy = operation<DetachRolePolicyRequest, object>({
  authorize: auth('DetachRolePolicy', 'role', (i) => i.RoleName),
  handler: (i, ctx) => detach(ctx, 'role', i.RoleName, i.PolicyArn),
});

export const ListAttachedUserPolicies = operation<ListAttachedUserPoliciesRequest, ListAttachedUserPoliciesResponse>({
  authorize: auth('ListAttachedUserPolicies', 'user', (i) => i.UserName),
  handler: (i, ctx) => listAttached(ctx, 'user', i.UserName, i),
});
export const ListAttachedGroupPolicies = operation<ListAttachedGroupPoliciesRequest, ListAttachedGroupPoliciesResponse>({
  authorize: auth('ListAttachedGroupPolicies', 'group', (i) => i.GroupName),
  handler: (i, ctx) => listAttached(ctx, 'group', i.GroupName, i),
});
export const ListAttachedRolePolicies = operation<ListAttachedRolePoliciesRequest, ListAttachedRolePoliciesResponse>({
  authorize: auth('ListAttachedRolePolicies', 'role', (i) => i.RoleName),
  handler: (i, ctx) => listAttached(ctx, 'role', i.RoleName, i),
});

export const PutUserPolicy = operation<PutUserPolicyRequest, object>({
  authorize: auth('PutUserPolicy', 'user', (i) => i.UserName),
  handler: (i, ctx) => putInline(ctx, 'user', i.UserName, i.PolicyName, i.PolicyDocument),
});
export const PutGroupPolicy = operation<PutGroupPolicyRequest, object>({
  authorize: auth('PutGroupPolicy', 'group', (i) => i.GroupName),
  handler: (i, ctx) => putInline(ctx, 'group', i.GroupName, i.PolicyName, i.PolicyDocument),
});
export const PutRolePolicy = operation<PutRolePolicyRequest, object>({
  authorize: auth('PutRolePolicy', 'role', (i) => i.RoleName),
  handler: (i, ctx) => putInline(ctx, 'role', i.RoleName, i.PolicyName, i.PolicyDocument),
});

export const GetUserPolicy = operation<GetUserPolicyRequest, GetUserPolicyResponse>({
  authorize: auth('GetUserPolicy', 'user', (i) => i.UserName),
  handler: (i, ctx) => ({ UserName: i.UserName!, ...getInline(ctx, 'user', i.UserName, i.PolicyName) }),
});
export const GetGroupPolicy = operation<GetGroupPolicyRequest, GetGroupPolicyResponse>({
  authorize: auth('GetGroupPolicy', 'group', (i) => i.GroupName),
  handler: (i, ctx) => ({ GroupName: i.GroupName!, ...getInline(ctx, 'group', i.GroupName, i.PolicyName) }),
});
export const GetRolePolicy = operation<GetRolePolicyRequest, GetRolePolicyResponse>({
  authorize: auth('GetRolePolicy', 'role', (i) => i.RoleName),
  handler: (i, ctx) => ({ RoleName: i.RoleName!, ...getInline(ctx, 'role', i.RoleName, i.PolicyName) }),
});

export const DeleteUserPolicy = operation<DeleteUserPolicyRequest, object>({
  authorize: auth('DeleteUserPolicy', 'user', (i) => i.UserName),
  handler: (i, ctx) => deleteInline(ctx, 'user', i.UserName, i.PolicyName),
});
export const DeleteGroupPolicy = operation<DeleteGroupPolicyRequest, object>({
  authorize: auth('DeleteGroupPolicy', 'group', (i) => i.GroupName),
  handler: (i, ctx) => deleteInline(ctx, 'group', i.GroupName, i.PolicyName),
});
export const DeleteRolePolicy = operation<DeleteRolePolicyRequest, object>({
  authorize: auth('DeleteRolePolicy', 'role', (i) => i.RoleName),
  handler: (i, ctx) => deleteInline(ctx, 'role', i.RoleName, i.PolicyName),
});

export const ListUserPolicies = operation<ListUserPoliciesRequest, ListUserPoliciesResponse>({
  authorize: auth('ListUserPolicies', 'user', (i) => i.UserName),
  handler: (i, ctx) => listInline(ctx, 'user', i.UserName, i),
});
export const ListGroupPolicies = operation<ListGroupPoliciesRequest, ListGroupPoliciesResponse>({
  authorize: auth('ListGroupPolicies', 'group', (i) => i.GroupName),
  handler: (i, ctx) => listInline(ctx, 'group', i.GroupName, i),
});
export const ListRolePolicies = operation<ListRolePoliciesRequest, ListRolePoliciesResponse>({
  authorize: auth('ListRolePolicies', 'role', (i) => i.RoleName),
  handler: (i, ctx) => listInline(ctx, 'role', i.RoleName, i),
});
