import type {
  AddRoleToInstanceProfileRequest,
  CreateInstanceProfileRequest,
  CreateInstanceProfileResponse,
  DeleteInstanceProfileRequest,
  GetInstanceProfileRequest,
  GetInstanceProfileResponse,
  InstanceProfile,
  ListInstanceProfilesForRoleRequest,
  ListInstanceProfilesForRoleResponse,
  ListInstanceProfilesRequest,
  ListInstanceProfilesResponse,
  RemoveRoleFromInstanceProfileRequest,
} from '@aws-sdk/client-iam';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { iamUniqueId } from '../../core/ids.js';
import { iamState, type IamInstanceProfile, type IamState } from './state.js';
import { alreadyExists, checkName, checkPath, date, deleteConflict, iamArn, mergeTags, noSuchEntity, nowIso, paginate, pathPrefixFilter, touch } from './common.js';
import { getRoleRecord, toRole } from './roles.js';

function profileRecord(ctx: RequestContext, name: string | undefined): IamInstanceProfile {
  const p = name ? iamState(ctx).instanceProfiles[name] : undefined;
  if (!p) throw noSuchEntity(`Instance Profile ${name} cannot be found.`);
  return p;
}

const toProfile = (state: IamState, p: IamInstanceProfile): InstanceProfile => ({
  Path: p.Path,
  InstanceProfileName: p.InstanceProfileName,
  InstanceProfileId: p.InstanceProfileId,
  Arn: p.Arn,
  CreateDate: date(p.CreateDate),
  Roles: p.roles.map((r) => state.roles[r]).filter(Boolean).map((r) => toRole(r, 'list')),
  Tags: p.Tags.length ? p.Tags : undefined,
});

export const CreateInstanceProfile = operation<CreateInstanceProfileRequest, CreateInstanceProfileResponse>({
  handler(input, ctx) {
    const state = iamState(ctx);
    const name = input.InstanceProfileName!;
    checkName(name, 'instanceProfileName', 128);
    const path = checkPath(input.Path);
    if (state.instanceProfiles[name]) throw alreadyExists(`Instance Profile ${name} already exists.`);
    const p: IamInstanceProfile = {
      InstanceProfileName: name,
      InstanceProfileId: iamUniqueId('AIPA'),
      Arn: iamArn(ctx.accountId, 'instance-profile', path, name),
      Path: path,
      CreateDate: nowIso(ctx),
      roles: [],
      Tags: mergeTags([], input.Tags),
    };
    state.instanceProfiles[name] = p;
    touch(state);
    return { InstanceProfile: toProfile(state, p) };
  },
});

export const GetInstanceProfile = operation<GetInstanceProfileRequest, GetInstanceProfileResponse>({
  handler: (input, ctx) => ({ InstanceProfile: toProfile(iamState(ctx), profileRecord(ctx, input.InstanceProfileName)) }),
});

export const ListInstanceProfiles = operation<ListInstanceProfilesRequest, ListInstanceProfilesResponse>({
  handler(input, ctx) {
    const state = iamState(ctx);
    const all = pathPrefixFilter(Object.values(state.instanceProfiles), input.PathPrefix).sort((a, b) =>
      a.InstanceProfileName.localeCompare(b.InstanceProfileName),
    );
    const { page, IsTruncated, Marker } = paginate(all, input.Marker, input.MaxItems);
    return { InstanceProfiles: page.map((p) => toProfile(state, p)), IsTruncated, Marker };
  },
});

export const ListInstanceProfilesForRole = operation<ListInstanceProfilesForRoleRequest, ListInstanceProfilesForRoleResponse>({
  handler(input, ctx) {
    const state = iamState(ctx);
    const role = getRoleRecord(ctx, input.RoleName);
    const all = Object.values(state.instanceProfiles).filter((p) => p.roles.includes(role.RoleName));
    const { page, IsTruncated, Marker } = paginate(all, input.Marker, input.MaxItems);
    return { InstanceProfiles: page.map((p) => toProfile(state, p)), IsTruncated, Marker };
  },
});

export const DeleteInstanceProfile = operation<DeleteInstanceProfileRequest, object>({
  handler(input, ctx) {
    const state = iamState(ctx);
    const p = profileRecord(ctx, input.InstanceProfileName);
    if (p.roles.length) throw deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
    delete state.instanceProfiles[p.InstanceProfileName];
    touch(state);
    return {};
  },
});

export const AddRoleToInstanceProfile = operation<AddRoleToInstanceProfileRequest, object>({
  handler(input, ctx) {
    const p = profileRecord(ctx, input.InstanceProfileName);
    const role = getRoleRecord(ctx, input.RoleName);
    if (p.roles.length >= 1) {
      throw new AwsError('LimitExceeded', 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1', 409);
    }
    p.roles.push(role.RoleName);
    touch(iamState(ctx));
    return {};
  },
});

export const RemoveRoleFromInstanceProfile = operation<RemoveRoleFromInstanceProfileRequest, object>({
  handler(input, ctx) {
    const p = profileRecord(ctx, input.InstanceProfileName);
    if (!p.roles.includes(input.RoleName!)) throw noSuchEntity(`The role with name ${input.RoleName} cannot be found.`);
    p.roles = p.roles.filter((r) => r !== input.RoleName);
    touch(iamState(ctx));
    return {};
  },
});
