import type {
  AdminAddUserToGroupRequest,
  AdminListGroupsForUserRequest,
  AdminListGroupsForUserResponse,
  AdminRemoveUserFromGroupRequest,
  CreateGroupRequest,
  CreateGroupResponse,
  DeleteGroupRequest,
  GetGroupRequest,
  GetGroupResponse,
  GroupType,
  ListGroupsRequest,
  ListGroupsResponse,
  ListUsersInGroupRequest,
  ListUsersInGroupResponse,
  UpdateGroupRequest,
  UpdateGroupResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { cognitoError } from './errors.js';
import { operation } from '../../core/service.js';
import { date, getUser, invalidParameter, nowIso, page, toUserType } from './common.js';
import { poolOf, type PoolGroup, type StoredPool } from './state.js';

const toGroup = (pool: StoredPool, g: PoolGroup): GroupType => ({
  GroupName: g.GroupName,
  UserPoolId: pool.Id,
  ...(g.Description !== undefined ? { Description: g.Description } : {}),
  ...(g.RoleArn !== undefined ? { RoleArn: g.RoleArn } : {}),
  ...(g.Precedence !== undefined ? { Precedence: g.Precedence } : {}),
  LastModifiedDate: date(g.modified),
  CreationDate: date(g.created),
});

function groupIn(pool: StoredPool, name: string | undefined): PoolGroup {
  const g = name !== undefined ? pool.groups[name] : undefined;
  if (!g) throw cognitoError('ResourceNotFoundException', 'Group not found.');
  return g;
}

function checkGroupInput(i: { GroupName?: string; RoleArn?: string; Precedence?: number; Description?: string }): void {
  if (i.GroupName !== undefined && (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u.test(i.GroupName) || i.GroupName.length > 128)) {
    throw invalidParameter(`1 validation error detected: Value '${i.GroupName}' at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+`);
  }
  if (i.RoleArn !== undefined && !/^arn:[\w+=/,.@-]+:iam::\d{12}:role\/[\w+=/,.@-]+$/.test(i.RoleArn)) {
    throw invalidParameter(`1 validation error detected: Value '${i.RoleArn}' at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?`);
  }
  if (i.Precedence !== undefined && i.Precedence < 0) {
    throw invalidParameter(`1 validation error detected: Value '${i.Precedence}' at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0`);
  }
  if (i.Description !== undefined && i.Description.length > 2048) {
    throw invalidParameter(`1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 2048`);
  }
}

export const CreateGroup = operation<CreateGroupRequest, CreateGroupResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    checkGroupInput(input);
    const name = input.GroupName!;
    if (pool.groups[name]) throw cognitoError('GroupExistsException', `A group with the name ${name} already exists.`);
    if (Object.keys(pool.groups).length >= 10000) throw cognitoError('LimitExceededException', 'The number of groups has reached its limit.');
    const now = nowIso(ctx);
    const g: PoolGroup = { GroupName: name, Description: input.Description, RoleArn: input.RoleArn, Precedence: input.Precedence, created: now, modified: now };
    pool.groups[name] = g;
    return { Group: toGroup(pool, g) };
  },
});

export const GetGroup = operation<GetGroupRequest, GetGroupResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    return { Group: toGroup(pool, groupIn(pool, input.GroupName)) };
  },
});

export const UpdateGroup = operation<UpdateGroupRequest, UpdateGroupResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const g = groupIn(pool, input.GroupName);
    checkGroupInput(input);
    if (input.Description !== undefined) g.Description = input.Description;
    if (input.RoleArn !== undefined) g.RoleArn = input.RoleArn;
    if (input.Precedence !== undefined) g.Precedence = input.Precedence;
    g.modified = nowIso(ctx);
    return { Group: toGroup(pool, g) };
  },
});

export const DeleteGroup = operation<DeleteGroupRequest, object>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const g = groupIn(pool, input.GroupName);
    delete pool.groups[g.GroupName];
    for (const u of Object.values(pool.users)) u.groups = u.groups.filter((n) => n !== g.GroupName);
    return {};
  },
});

export const ListGroups = operation<ListGroupsRequest, ListGroupsResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const groups = Object.values(pool.groups).sort((a, b) => a.GroupName.localeCompare(b.GroupName));
    const { items, next } = page(groups, input.NextToken, input.Limit);
    return { Groups: items.map((g) => toGroup(pool, g)), NextToken: next };
  },
});

export const AdminAddUserToGroup = operation<AdminAddUserToGroupRequest, object>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const g = groupIn(pool, input.GroupName);
    const user = getUser(pool, input.Username);
    if (!user.groups.includes(g.GroupName)) {
      if (user.groups.length >= 100) throw cognitoError('LimitExceededException', 'A user can be a member of at most 100 groups.');
      user.groups.push(g.GroupName);
    }
    return {};
  },
});

export const AdminRemoveUserFromGroup = operation<AdminRemoveUserFromGroupRequest, object>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const g = groupIn(pool, input.GroupName);
    const user = getUser(pool, input.Username);
    user.groups = user.groups.filter((n) => n !== g.GroupName);
    return {};
  },
});

export const AdminListGroupsForUser = operation<AdminListGroupsForUserRequest, AdminListGroupsForUserResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const user = getUser(pool, input.Username);
    const groups = user.groups.map((n) => pool.groups[n]).filter((g) => g !== undefined);
    const { items, next } = page(groups, input.NextToken, input.Limit);
    return { Groups: items.map((g) => toGroup(pool, g)), NextToken: next };
  },
});

export const ListUsersInGroup = operation<ListUsersInGroupRequest, ListUsersInGroupResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const g = groupIn(pool, input.GroupName);
    const users = Object.values(pool.users).filter((u) => u.groups.includes(g.GroupName));
    const { items, next } = page(users, input.NextToken, input.Limit);
    return { Users: items.map(toUserType), NextToken: next };
  },
});
