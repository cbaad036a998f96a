import type {
  CreateOriginAccessControlRequest,
  CreateOriginAccessControlResult,
  DeleteOriginAccessControlRequest,
  GetOriginAccessControlRequest,
  GetOriginAccessControlResult,
  ListOriginAccessControlsRequest,
  ListOriginAccessControlsResult,
  OriginAccessControl,
} from '@aws-sdk/client-cloudfront';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import { randomString } from '../../core/ids.js';
import { cloudfrontState, type OriginAccessControlRecord } from './state.js';
import { UPPER_ALNUM, checkIfMatch, invalidArgument, newETag, type Ctx } from './common.js';

/* Origin access controls: how CloudFront signs its requests to an S3 origin (the bucket policy then names the distribution). */

const toOac = (o: OriginAccessControlRecord): OriginAccessControl => ({
  Id: o.Id,
  OriginAccessControlConfig: {
    Name: o.Name,
    Description: o.Description,
    SigningProtocol: o.SigningProtocol as 'sigv4',
    SigningBehavior: o.SigningBehavior as 'always',
    OriginAccessControlOriginType: o.OriginAccessControlOriginType as 's3',
  },
});

function oacOf(ctx: Ctx, id: string | undefined): OriginAccessControlRecord {
  const o = id ? cloudfrontState(ctx).originAccessControls[id] : undefined;
  if (!o) throw new AwsError('NoSuchOriginAccessControl', 'The origin access control does not exist.', 404);
  return o;
}

export const CreateOriginAccessControl = operation<CreateOriginAccessControlRequest, CreateOriginAccessControlResult>({
  handler(input, ctx) {
    const c = input.OriginAccessControlConfig;
    if (!c?.Name) throw invalidArgument('The parameter Name is required.');
    const state = cloudfrontState(ctx);
    if (Object.values(state.originAccessControls).some((o) => o.Name === c.Name)) {
      throw new AwsError('OriginAccessControlAlreadyExists', 'An origin access control with the same name already exists.', 409);
    }
    if (!['never', 'always', 'no-override'].includes(c.SigningBehavior ?? '')) throw invalidArgument('The parameter SigningBehavior is not valid.');
    const o: OriginAccessControlRecord = {
      Id: `E${randomString(13, UPPER_ALNUM)}`,
      ETag: newETag(),
      Name: c.Name,
      Description: c.Description,
      SigningProtocol: c.SigningProtocol ?? 'sigv4',
      SigningBehavior: c.SigningBehavior!,
      OriginAccessControlOriginType: c.OriginAccessControlOriginType ?? 's3',
    };
    state.originAccessControls[o.Id] = o;
    return { OriginAccessControl: toOac(o), ETag: o.ETag, Location: `https://cloudfront.amazonaws.com/2020-05-31/origin-access-control/${o.Id}` };
  },
});

export const GetOriginAccessControl = operation<GetOriginAccessControlRequest, GetOriginAccessControlResult>({
  handler(input, ctx) {
    const o = oacOf(ctx, input.Id);
    return { OriginAccessControl: toOac(o), ETag: o.ETag };
  },
});

export const ListOriginAccessControls = operation<ListOriginAccessControlsRequest, ListOriginAccessControlsResult>({
  handler(input, ctx) {
    const items = Object.values(cloudfrontState(ctx).originAccessControls);
    return {
      OriginAccessControlList: {
        Marker: input.Marker ?? '',
        MaxItems: input.MaxItems ?? 100,
        IsTruncated: false,
        Quantity: items.length,
        Items: items.length ? items.map((o) => ({ ...toOac(o).OriginAccessControlConfig!, Id: o.Id, Description: o.Description ?? '' })) : undefined,
      },
    };
  },
});

export const DeleteOriginAccessControl = operation<DeleteOriginAccessControlRequest, Record<string, never>>({
  handler(input, ctx) {
    const o = oacOf(ctx, input.Id);
    checkIfMatch({ ETag: o.ETag } as never, input.IfMatch);
    const state = cloudfrontState(ctx);
    const inUse = Object.values(state.distributions).some((d) => d.config.Origins?.Items?.some((x) => x.OriginAccessControlId === o.Id));
    if (inUse) throw new AwsError('OriginAccessControlInUse', 'Cannot delete the origin access control because it is in use.', 409);
    delete state.originAccessControls[o.Id];
    return {};
  },
});
