import type {
  AccessKeyMetadata,
  CreateAccessKeyRequest,
  CreateAccessKeyResponse,
  DeleteAccessKeyRequest,
  GetAccessKeyLastUsedRequest,
  GetAccessKeyLastUsedResponse,
  ListAccessKeysRequest,
  ListAccessKeysResponse,
  UpdateAccessKeyRequest,
} from '@aws-sdk/client-iam';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { accessKeyId, secretAccessKey } from '../../core/ids.js';
import { iamState, type IamAccessKey } from './state.js';
import { date, noSuchEntity, nowIso, paginate, touch } from './common.js';
import { getUserRecord, userArn } from './users.js';

/** Without a UserName, access-key operations act on the calling user, as IAM does. */
function targetUser(ctx: RequestContext, name: string | undefined): string {
  if (name) return name;
  if (ctx.principal.type === 'user') return ctx.principal.userName;
  throw new AwsError('ValidationError', 'Must specify userName when calling with non-User credentials', 400);
}

const MAX_KEYS = 2;

export const CreateAccessKey = operation<CreateAccessKeyRequest, CreateAccessKeyResponse>({
  authorize: (i, ctx) => ({ action: 'iam:CreateAccessKey', resource: userArn(ctx, i.UserName ?? (ctx.principal.type === 'user' ? ctx.principal.userName : '')) }),
  handler(input, ctx) {
    const state = iamState(ctx);
    const user = getUserRecord(ctx, targetUser(ctx, input.UserName));
    if (Object.values(state.accessKeys).filter((k) => k.UserName === user.UserName).length >= MAX_KEYS) {
      throw new AwsError('LimitExceeded', `Cannot exceed quota for AccessKeysPerUser: ${MAX_KEYS}`, 409);
    }
    const key: IamAccessKey = {
      AccessKeyId: accessKeyId('AKIA', ctx.accountId),
      SecretAccessKey: secretAccessKey(),
      UserName: user.UserName,
      Status: 'Active',
      CreateDate: nowIso(ctx),
    };
    state.accessKeys[key.AccessKeyId] = key;
    touch(state);
    return {
      AccessKey: {
        UserName: key.UserName,
        AccessKeyId: key.AccessKeyId,
        Status: key.Status,
        SecretAccessKey: key.SecretAccessKey,
        CreateDate: date(key.CreateDate),
      },
    };
  },
});

export const ListAccessKeys = operation<ListAccessKeysRequest, ListAccessKeysResponse>({
  handler(input, ctx) {
    const state = iamState(ctx);
    const user = getUserRecord(ctx, targetUser(ctx, input.UserName));
    const keys: AccessKeyMetadata[] = Object.values(state.accessKeys)
      .filter((k) => k.UserName === user.UserName)
      .map((k) => ({ UserName: k.UserName, AccessKeyId: k.AccessKeyId, Status: k.Status, CreateDate: date(k.CreateDate) }));
    const { page, IsTruncated, Marker } = paginate(keys, input.Marker, input.MaxItems);
    return { AccessKeyMetadata: page, IsTruncated, Marker };
  },
});

function ownKey(ctx: RequestContext, userName: string | undefined, keyId: string | undefined): IamAccessKey {
  const user = getUserRecord(ctx, targetUser(ctx, userName));
  const key = keyId ? iamState(ctx).accessKeys[keyId] : undefined;
  if (!key || key.UserName !== user.UserName) throw noSuchEntity(`The Access Key with id ${keyId} cannot be found.`);
  return key;
}

export const UpdateAccessKey = operation<UpdateAccessKeyRequest, object>({
  handler(input, ctx) {
    const key = ownKey(ctx, input.UserName, input.AccessKeyId);
    key.Status = input.Status as 'Active' | 'Inactive';
    touch(iamState(ctx));
    return {};
  },
});

export const DeleteAccessKey = operation<DeleteAccessKeyRequest, object>({
  handler(input, ctx) {
    const key = ownKey(ctx, input.UserName, input.AccessKeyId);
    delete iamState(ctx).accessKeys[key.AccessKeyId];
    touch(iamState(ctx));
    return {};
  },
});

export const GetAccessKeyLastUsed = operation<GetAccessKeyLastUsedRequest, GetAccessKeyLastUsedResponse>({
  authorize: () => [],
  handler(input, ctx) {
    const key = iamState(ctx).accessKeys[input.AccessKeyId!];
    if (!key) throw noSuchEntity(`The Access Key with id ${input.AccessKeyId} cannot be found.`);
    return {
      UserName: key.UserName,
      AccessKeyLastUsed: key.lastUsed
        ? { LastUsedDate: date(key.lastUsed.date), ServiceName: key.lastUsed.service, Region: key.lastUsed.region }
        : { ServiceName: 'N/A', Region: 'N/A' },
    };
  },
});
