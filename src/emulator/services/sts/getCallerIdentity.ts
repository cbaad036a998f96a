import type { GetCallerIdentityRequest, GetCallerIdentityResponse, GetAccessKeyInfoRequest, GetAccessKeyInfoResponse } from '@aws-sdk/client-sts';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { accountOfAccessKey, looksLikeAwsKey } from '../../core/ids.js';

/** Who am I? Needs no permission, as in AWS: even a principal denied everything may ask. */
export const GetCallerIdentity = operation<GetCallerIdentityRequest, GetCallerIdentityResponse>({
  authorize: () => [],
  handler: (_input, ctx) => ({ UserId: ctx.principal.userId, Account: ctx.principal.accountId, Arn: ctx.principal.arn }),
});

export const GetAccessKeyInfo = operation<GetAccessKeyInfoRequest, GetAccessKeyInfoResponse>({
  authorize: () => [],
  handler(input) {
    const key = input.AccessKeyId!;
    const account = looksLikeAwsKey(key) ? accountOfAccessKey(key) : /^\d{12}$/.test(key) ? key : '000000000000';
    if (!account) throw new AwsError('InvalidParameterValue', `The access key ID ${key} is not valid.`, 400);
    return { Account: account };
  },
});
