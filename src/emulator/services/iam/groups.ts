import type {
  AddUserToGroupRequest,
  CreateGroupRequest,
  CreateGroupResponse,
  DeleteGroupRequest,
  GetGroupRequest,
  GetGroupResponse,
  Group,
  ListGroupsForUserRequest,
  ListGroupsForUserResponse,
  ListGroupsRequest,
  ListGroupsResponse,
  RemoveUserFromGroupRequest,
  UpdateGroupRequest,
} from '@aws-sdk/client-iam';
import { operation, type RequestContext } from '../../core/service.js';
import { iamUniqueId } from '../../core/ids.js';
import { iamState, type IamGroup } from './state.js';
import { alreadyExists, checkName, checkPath, date, deleteConflict, iamArn, noSuchEntity, nowIso, paginate, pathPrefixFilter, touch } from './common.js';
import { getUserRecord, toUser } from './users.js';

export function getGroupRecord(ctx: RequestContext, name: string | undefined): IamGroup {
  const group = name ? iamState(ctx).groups[name] : undefined;
  if (!group) throw noSuchEntity(`The group with name ${name} cannot be found.`);
  return group;
}

export const groupArn = (ctx: RequestContext, name: string) =>
  iamState(ctx).groups[name]?.Arn ?? iamArn(ctx.accountId, 'group', '/', name);

export const toGroup = (g: IamGroup): Group => ({
  Path: g.Path,
  GroupName: g.GroupName,
  GroupId: g.GroupId,
  Arn: g.Arn,
  CreateDate: date(g.CreateDate),
});

export const CreateGroup = operation<CreateGroupRequest, CreateGroupResponse>({
  authorize: (i, ctx) => ({ action: 'iam:CreateGroup', resource: iamArn(ctx.accountId, 'group', i.Path ?? '/', i.GroupName!) }),
  handler(input, ctx) {
    const state = iamState(ctx);
    const name = input.GroupName!;
    checkName(name, 'groupName', 128);
    const path = checkPath(input.Path);
    if (Object.keys(state.groups).some((n) => n.toLowerCase() === name.toLowerCase())) {
      throw alreadyExists(`Group with name ${name} already exists.`);
    }
    const group: IamGroup = {
      GroupName: name,
      GroupId: iamUniqueId('AGPA'),
      Arn: iamArn(ctx.accountId, 'group', path, name),
      Path: path,
      CreateDate: nowIso(ctx),
      inline: {},
      attached: [],
    };
    state.groups[name] = group;
    touch(state);
    return { Group: toGroup(group) };
  },
});

export const GetGroup = operation<GetGroupRequest, GetGroupResponse>({
  authorize: (i, ctx) => ({ action: 'iam:GetGroup', resource: groupArn(ctx, i.GroupName!) }),
  handler(input, ctx) {
    const state = iamState(ctx);
    const group = getGroupRecord(ctx, input.GroupName);
    const members = Object.values(state.users)
      .filter((u) => u.groups.includes(group.GroupName))
      .sort((a, b) => a.UserName.localeCompare(b.UserName));
    const { page, IsTruncated, Marker } = paginate(members, input.Marker, input.MaxItems);
    return { Group: toGroup(group), Users: page.map((u) => toUser(u, false)), IsTruncated, Marker };
  },
});

export const ListGroups = operation<ListGroupsRequest, ListGroupsResponse>({
  handler(input, ctx) {
    const groups = pathPrefixFilter(Object.values(iamState(ctx).groups), input.PathPrefix).sort((a, b) => a.GroupName.localeCompare(b.GroupName));
    const { page, IsTruncated, Marker } = paginate(groups, input.Marker, input.MaxItems);
    return { Groups: page.map(toGroup), IsTruncated, Marker };
  },
});

export const ListGroupsForUser = operation<ListGroupsForUserRequest, ListGroupsForUserResponse>({
  handler(input, ctx) {
    const state = iamState(ctx);
    const user = getUserRecord(ctx, input.UserName);
    const groups = user.groups.map((g) => state.groups[g]).filter(Boolean).sort((a, b) => a.GroupName.localeCompare(b.GroupName));
    const { page, IsTruncated, Marker } = paginate(groups, input.Marker, input.MaxItems);
    return { Groups: page.map(toGroup), IsTruncated, Marker };
  },
});

export const UpdateGroup = operation<UpdateGroupRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:UpdateGroup', resource: groupArn(ctx, i.GroupName!) }),
  handler(input, ctx) {
    const state = iamState(ctx);
    const group = getGroupRecord(ctx, input.GroupName);
    const oldName = group.GroupName;
    if (input.NewGroupName && input.NewGroupName !== oldName) {
      checkName(input.NewGroupName, 'newGroupName', 128);
      if (state.groups[input.NewGroupName]) throw alreadyExists(`Group with name ${input.NewGroupName} already exists.`);
      delete state.groups[oldName];
      group.GroupName = input.NewGroupName;
      for (const u of Object.values(state.users)) u.groups = u.groups.map((g) => (g === oldName ? group.GroupName : g));
    }
    if (input.NewPath) group.Path = checkPath(input.NewPath);
    group.Arn = iamArn(ctx.accountId, 'group', group.Path, group.GroupName);
    state.groups[group.GroupName] = group;
    touch(state);
    return {};
  },
});

export const DeleteGroup = operation<DeleteGroupRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:DeleteGroup', resource: groupArn(ctx, i.GroupName!) }),
  handler(input, ctx) {
    const state = iamState(ctx);
    const group = getGroupRecord(ctx, input.GroupName);
    if (Object.values(state.users).some((u) => u.groups.includes(group.GroupName))) {
      throw deleteConflict('Cannot delete entity, must remove users from group first.');
    }
    if (Object.keys(group.inline).length) throw deleteConflict('Cannot delete entity, must delete policies first.');
    if (group.attached.length) throw deleteConflict('Cannot delete entity, must detach all policies first.');
    delete state.groups[group.GroupName];
    touch(state);
    return {};
  },
});

export const AddUserToGroup = operation<AddUserToGroupRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:AddUserToGroup', resource: groupArn(ctx, i.GroupName!) }),
  handler(input, ctx) {
    const group = getGroupRecord(ctx, input.GroupName);
    const user = getUserRecord(ctx, input.UserName);
    if (!user.groups.includes(group.GroupName)) user.groups.push(group.GroupName);
    touch(iamState(ctx));
    return {};
  },
});

export const RemoveUserFromGroup = operation<RemoveUserFromGroupRequest, object>({
  authorize: (i, ctx) => ({ action: 'iam:RemoveUserFromGroup', resource: groupArn(ctx, i.GroupName!) }),
  handler(input, ctx) {
    const group = getGroupRecord(ctx, input.GroupName);
    const user = getUserRecord(ctx, input.UserName);
    if (!user.groups.includes(group.GroupName)) {
      throw noSuchEntity(`The user with name ${user.UserName} cannot be found in group ${group.GroupName}.`);
    }
    user.groups = user.groups.filter((g) => g !== group.GroupName);
    touch(iamState(ctx));
    return {};
  },
});
