import type {
  CreateUserRequest,
  CreateUserResponse,
  DeleteUserPermissionsBoundaryRequest,
  DeleteUserRequest,
  GetUserRequest,
  GetUserResponse,
  ListUserTagsRequest,
  ListUserTagsResponse,
  ListUsersRequest,
  ListUsersResponse,
  PutUserPermissionsBoundaryRequest,
  TagUserRequest,
  UntagUserRequest,
  UpdateUserRequest,
  User,
} from '@aws-sdk/client-iam';
import { tagOperations } from './tagging.js';
import { operation, type RequestContext } from '../../core/service.js';
import { iamUniqueId } from '../../core/ids.js';
import { iamState, type IamUser } from './state.js';
import {
  alreadyExists,
  checkName,
  checkPath,
  date,
  deleteConflict,
  iamArn,
  mergeTags,
  noSuchEntity,
  nowIso,
  paginate,
  pathPrefixFilter,
  touch,
} from './common.js';
import { managedPolicy } from './policies.js';

export function getUserRecord(ctx: RequestContext, name: string | undefined): IamUser {
  const user = name ? iamState(ctx).users[name] : undefined;
  if (!user) throw noSuchEntity(`The user with name ${name} cannot be found.`);
  return user;
}

export const userArn = (ctx: RequestContext, name: string) => {
  const u = iamState(ctx).users[name];
  return u?.Arn ?? iamArn(ctx.accountId, 'user', '/', name);
};

export function toUser(u: IamUser, withTags = true): User {
  return {
    Path: u.Path,
    UserName: u.UserName,
    UserId: u.UserId,
    Arn: u.Arn,
    CreateDate: date(u.CreateDate),
    PermissionsBoundary: u.PermissionsBoundary ? { PermissionsBoundaryType: 'PermissionsBoundaryPolicy', PermissionsBoundaryArn: u.PermissionsBoundary } : undefined,
    Tags: withTags && u.Tags.length ? u.Tags : undefined,
  };
}

function checkBoundary(ctx: RequestContext, arn: string | undefined): void {
  if (arn && !managedPolicy(iamState(ctx), arn)) {
    throw noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
  }
}

export const CreateUser = operation<CreateUserRequest, CreateUserResponse>({
  authorize: (i, ctx) => ({ action: 'iam:CreateUser', resource: iamArn(ctx.accountId, 'user', i.Path ?? '/', i.UserName!) }),
  handler(input, ctx) {
    const state = iamState(ctx);
    const name = input.UserName!;
    checkName(name, 'userName');
    const path = checkPath(input.Path);
    if (Object.keys(state.users).some((n) => n.toLowerCase() === name.toLowerCase())) {
      throw alreadyExists(`User with name ${name} already exists.`);
    }
    checkBoundary(ctx, input.PermissionsBoundary);
    const user: IamUser = {
      UserName: name,
      UserId: iamUniqueId('AIDA'),
      Arn: iamArn(ctx.accountId, 'user', path, name),
      Path: path,
      CreateDate: nowIso(ctx),
      PermissionsBoundary: input.PermissionsBoundary,
      Tags: mergeTags([], input.Tags),
      inline: {},
      attached: [],
      groups: [],
    };
    state.users[name] = user;
    touch(state);
    return { User: toUser(user) };
  },
});

export const GetUser = operation<GetUserRequest, GetUserResponse>({
  authorize: (i, ctx) => ({ action: 'iam:GetUser', resource: i.UserName ? userArn(ctx, i.UserName) : ctx.principal.arn }),
  handler(input, ctx) {
    let name = input.UserName;
    if (!name) {
      // Without a name, GetUser describes the caller.
      if (ctx.principal.type === 'user') name = ctx.principal.userName;
      else if (ctx.principal.type === 'root') {
        return {
          User: { UserId: ctx.accountId, Arn: `arn:aws:iam::${ctx.accountId}:root`, Path: '/', UserName: undefined as unknown as string, CreateDate: new Date(0) },
        };
      } else throw noSuchEntity('Must specify userName when calling with non-User credentials');
    }
    return { User: toUser(getUserRecord(ctx, name)) };
  },
});

export const ListUsers = operation<ListUsersRequest, ListUsersResponse>({
  handler(input, ctx) {
    const users = pathPrefixFilter(Object.values(iamState(ctx).users), input.PathPrefix).sort((a, b) => a.UserName.localeCompare(b.UserName));
    const { page, IsTruncated, Marker } = paginate(users, input.Marker, input.MaxItems);
    return { Users: page.map((u) => toUser(u, false)), IsTruncated, Marker };
  },
});

export const UpdateUser = operation<UpdateUserRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:UpdateUser', resource: userArn(ctx, i.UserName!) }),
  handler(input, ctx) {
    const state = iamState(ctx);
    const user = getUserRecord(ctx, input.UserName);
    if (input.NewUserName && input.NewUserName !== user.UserName) {
      checkName(input.NewUserName, 'newUserName');
      if (state.users[input.NewUserName]) throw alreadyExists(`User with name ${input.NewUserName} already exists.`);
      delete state.users[user.UserName];
      for (const k of Object.values(state.accessKeys)) if (k.UserName === user.UserName) k.UserName = input.NewUserName;
      user.UserName = input.NewUserName;
    }
    if (input.NewPath) user.Path = checkPath(input.NewPath);
    user.Arn = iamArn(ctx.accountId, 'user', user.Path, user.UserName);
    state.users[user.UserName] = user;
    touch(state);
    return {};
  },
});

export const DeleteUser = operation<DeleteUserRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:DeleteUser', resource: userArn(ctx, i.UserName!) }),
  handler(input, ctx) {
    const state = iamState(ctx);
    const user = getUserRecord(ctx, input.UserName);
    if (Object.keys(user.inline).length) throw deleteConflict('Cannot delete entity, must delete policies first.');
    if (user.attached.length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
    if (user.groups.length) throw deleteConflict('Cannot delete entity, must remove user from all groups first.');
    if (Object.values(state.accessKeys).some((k) => k.UserName === user.UserName)) {
      throw deleteConflict('Cannot delete entity, must delete access keys first.');
    }
    if (user.loginProfile) throw deleteConflict('Cannot delete entity, must delete login profile first.');
    delete state.users[user.UserName];
    touch(state);
    return {};
  },
});

const userTags = tagOperations<TagUserRequest, UntagUserRequest, ListUserTagsRequest, ListUserTagsResponse>(
  'User',
  (i, ctx) => getUserRecord(ctx, i.UserName),
  (i, ctx) => userArn(ctx, i.UserName!),
);
export const TagUser = userTags.tag;
export const UntagUser = userTags.untag;
export const ListUserTags = userTags.list;

export const PutUserPermissionsBoundary = operation<PutUserPermissionsBoundaryRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:PutUserPermissionsBoundary', resource: userArn(ctx, i.UserName!) }),
  handler(input, ctx) {
    const user = getUserRecord(ctx, input.UserName);
    checkBoundary(ctx, input.PermissionsBoundary);
    user.PermissionsBoundary = input.PermissionsBoundary;
    touch(iamState(ctx));
    return {};
  },
});

export const DeleteUserPermissionsBoundary = operation<DeleteUserPermissionsBoundaryRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:DeleteUserPermissionsBoundary', resource: userArn(ctx, i.UserName!) }),
  handler(input, ctx) {
    const user = getUserRecord(ctx, input.UserName);
    delete user.PermissionsBoundary;
    touch(iamState(ctx));
    return {};
  },
});
