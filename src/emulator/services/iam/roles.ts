import type {
  CreateRoleRequest,
  CreateRoleResponse,
  DeleteRolePermissionsBoundaryRequest,
  DeleteRoleRequest,
  GetRoleRequest,
  GetRoleResponse,
  ListRoleTagsRequest,
  ListRoleTagsResponse,
  ListRolesRequest,
  ListRolesResponse,
  PutRolePermissionsBoundaryRequest,
  Role,
  TagRoleRequest,
  UntagRoleRequest,
  UpdateAssumeRolePolicyRequest,
  UpdateRoleDescriptionRequest,
  UpdateRoleDescriptionResponse,
  UpdateRoleRequest,
} from '@aws-sdk/client-iam';
import { tagOperations } from './tagging.js';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { iamUniqueId } from '../../core/ids.js';
import { iamState, type IamRole } from './state.js';
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
  pathPrefixFilter,
  touch,
} from './common.js';
import { managedPolicy } from './policies.js';

export function getRoleRecord(ctx: Pick<RequestContext, 'emulator' | 'accountId'>, name: string | undefined): IamRole {
  const role = name ? iamState(ctx).roles[name] : undefined;
  if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
  return role;
}

export const roleArn = (ctx: RequestContext, name: string) =>
  iamState(ctx).roles[name]?.Arn ?? iamArn(ctx.accountId, 'role', '/', name);

/** The Role shape. CreateRole, GetRole and ListRoles each show a different subset, as IAM does. */
export function toRole(r: IamRole, view: 'create' | 'get' | 'list'): Role {
  return {
    Path: r.Path,
    RoleName: r.RoleName,
    RoleId: r.RoleId,
    Arn: r.Arn,
    CreateDate: date(r.CreateDate),
    AssumeRolePolicyDocument: encodeDocument(r.AssumeRolePolicyDocument),
    Description: r.Description,
    MaxSessionDuration: view === 'create' ? undefined : r.MaxSessionDuration,
    PermissionsBoundary: r.PermissionsBoundary ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: r.PermissionsBoundary } : undefined,
    Tags: view !== 'list' && r.Tags.length ? r.Tags : undefined,
    RoleLastUsed: view === 'get' ? (r.lastUsed ? { LastUsedDate: date(r.lastUsed.date), Region: r.lastUsed.region } : {}) : undefined,
  };
}

function checkMaxSession(seconds: number | undefined): number {
  const s = seconds ?? 3600;
  if (s < 3600 || s > 43200) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${s}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600 and less than or equal to 43200`,
      400,
    );
  }
  return s;
}

export const CreateRole = operation<CreateRoleRequest, CreateRoleResponse>({
  authorize: (i, ctx) => ({ action: 'iam:CreateRole', resource: iamArn(ctx.accountId, 'role', i.Path ?? '/', i.RoleName!) }),
  handler(input, ctx) {
    const state = iamState(ctx);
    const name = input.RoleName!;
    checkName(name, 'roleName');
    const path = checkPath(input.Path);
    if (Object.keys(state.roles).some((n) => n.toLowerCase() === name.toLowerCase())) {
      throw alreadyExists(`Role with name ${name} already exists.`);
    }
    const document = checkPolicyDocument(input.AssumeRolePolicyDocument!, 'trust');
    if (input.PermissionsBoundary && !managedPolicy(state, input.PermissionsBoundary)) {
      throw noSuchEntity(`Scope ARN: ${input.PermissionsBoundary} does not exist or is not attachable.`);
    }
    const role: IamRole = {
      RoleName: name,
      RoleId: iamUniqueId('AROA'),
      Arn: iamArn(ctx.accountId, 'role', path, name),
      Path: path,
      CreateDate: nowIso(ctx),
      AssumeRolePolicyDocument: document,
      Description: input.Description,
      MaxSessionDuration: checkMaxSession(input.MaxSessionDuration),
      PermissionsBoundary: input.PermissionsBoundary,
      Tags: mergeTags([], input.Tags),
      inline: {},
      attached: [],
    };
    state.roles[name] = role;
    touch(state);
    return { Role: toRole(role, 'create') };
  },
});

export const GetRole = operation<GetRoleRequest, GetRoleResponse>({
  authorize: (i, ctx) => ({ action: 'iam:GetRole', resource: roleArn(ctx, i.RoleName!) }),
  handler: (input, ctx) => ({ Role: toRole(getRoleRecord(ctx, input.RoleName), 'get') }),
});

export const ListRoles = operation<ListRolesRequest, ListRolesResponse>({
  handler(input, ctx) {
    const roles = pathPrefixFilter(Object.values(iamState(ctx).roles), input.PathPrefix).sort((a, b) => a.RoleName.localeCompare(b.RoleName));
    const { page, IsTruncated, Marker } = paginate(roles, input.Marker, input.MaxItems);
    return { Roles: page.map((r) => toRole(r, 'list')), IsTruncated, Marker };
  },
});

export const UpdateRole = operation<UpdateRoleRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:UpdateRole', resource: roleArn(ctx, i.RoleName!) }),
  handler(input, ctx) {
    const role = getRoleRecord(ctx, input.RoleName);
    if (input.Description !== undefined) role.Description = input.Description;
    if (input.MaxSessionDuration !== undefined) role.MaxSessionDuration = checkMaxSession(input.MaxSessionDuration);
    touch(iamState(ctx));
    return {};
  },
});

export const UpdateRoleDescription = operation<UpdateRoleDescriptionRequest, UpdateRoleDescriptionResponse>({
  authorize: (i, ctx) => ({ action: 'iam:UpdateRoleDescription', resource: roleArn(ctx, i.RoleName!) }),
  handler(input, ctx) {
    const role = getRoleRecord(ctx, input.RoleName);
    role.Description = input.Description;
    touch(iamState(ctx));
    return { Role: toRole(role, 'get') };
  },
});

export const UpdateAssumeRolePolicy = operation<UpdateAssumeRolePolicyRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:UpdateAssumeRolePolicy', resource: roleArn(ctx, i.RoleName!) }),
  handler(input, ctx) {
    const role = getRoleRecord(ctx, input.RoleName);
    role.AssumeRolePolicyDocument = checkPolicyDocument(input.PolicyDocument!, 'trust');
    touch(iamState(ctx));
    return {};
  },
});

export const DeleteRole = operation<DeleteRoleRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:DeleteRole', resource: roleArn(ctx, i.RoleName!) }),
  handler(input, ctx) {
    const state = iamState(ctx);
    const role = getRoleRecord(ctx, input.RoleName);
    if (Object.keys(role.inline).length) throw deleteConflict('Cannot delete entity, must delete policies first.');
    if (role.attached.length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
    if (Object.values(state.instanceProfiles).some((p) => p.roles.includes(role.RoleName))) {
      throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
    }
    delete state.roles[role.RoleName];
    touch(state);
    return {};
  },
});

const roleTags = tagOperations<TagRoleRequest, UntagRoleRequest, ListRoleTagsRequest, ListRoleTagsResponse>(
  'Role',
  (i, ctx) => getRoleRecord(ctx, i.RoleName),
  (i, ctx) => roleArn(ctx, i.RoleName!),
);
export const TagRole = roleTags.tag;
export const UntagRole = roleTags.untag;
export const ListRoleTags = roleTags.list;

export const PutRolePermissionsBoundary = operation<PutRolePermissionsBoundaryRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:PutRolePermissionsBoundary', resource: roleArn(ctx, i.RoleName!) }),
  handler(input, ctx) {
    const role = getRoleRecord(ctx, input.RoleName);
    if (!managedPolicy(iamState(ctx), input.PermissionsBoundary!)) {
      throw noSuchEntity(`Scope ARN: ${input.PermissionsBoundary} does not exist or is not attachable.`);
    }
    role.PermissionsBoundary = input.PermissionsBoundary;
    touch(iamState(ctx));
    return {};
  },
});

export const DeleteRolePermissionsBoundary = operation<DeleteRolePermissionsBoundaryRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:DeleteRolePermissionsBoundary', resource: roleArn(ctx, i.RoleName!) }),
  handler(input, ctx) {
    const role = getRoleRecord(ctx, input.RoleName);
    delete role.PermissionsBoundary;
    touch(iamState(ctx));
    return {};
  },
});
