import type {
  CreateEmailIdentityRequest,
  CreateEmailIdentityResponse,
  DeleteEmailIdentityRequest,
  DkimAttributes,
  GetEmailIdentityRequest,
  GetEmailIdentityResponse,
  IdentityInfo,
  IdentityType,
  ListEmailIdentitiesRequest,
  ListEmailIdentitiesResponse,
} from '@aws-sdk/client-sesv2';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { addIdentity, checkDomain } from '../ses/identities.js';
import { checkAddress, identityArn, sesState, type SesIdentity } from '../ses/state.js';
import { badRequest, notFound, v2Errors } from './common.js';

const typeOf = (i: SesIdentity): IdentityType => (i.type === 'Domain' ? 'DOMAIN' : 'EMAIL_ADDRESS');

function dkim(i: SesIdentity): DkimAttributes {
  return i.type === 'Domain'
    ? {
        SigningEnabled: true,
        Status: 'SUCCESS',
        Tokens: i.dkimTokens,
        SigningAttributesOrigin: 'AWS_SES',
        NextSigningKeyLength: 'RSA_2048_BIT',
        CurrentSigningKeyLength: 'RSA_2048_BIT',
        LastKeyGenerationTimestamp: new Date(i.createdAt),
      }
    : { SigningEnabled: false, Status: 'NOT_STARTED', SigningAttributesOrigin: 'AWS_SES' };
}

function findIdentity(ctx: RequestContext, name: string | undefined): SesIdentity {
  const n = name ?? '';
  const i = sesState(ctx).identities[n.includes('@') ? n : n.toLowerCase()];
  if (!i) throw notFound(`Email identity <${n}> does not exist.`);
  return i;
}

/** Identities are verified at once in the sandbox (see ses/identities.ts). */
export const CreateEmailIdentity = operation<CreateEmailIdentityRequest, CreateEmailIdentityResponse>({
  authorize: (i, ctx) => ({ action: 'ses:CreateEmailIdentity', resource: identityArn(ctx, i.EmailIdentity ?? '*') }),
  handler(input, ctx) {
    const raw = input.EmailIdentity!;
    const isEmail = raw.includes('@');
    const name = v2Errors(() => (isEmail ? checkAddress(raw) : checkDomain(raw)));
    if (sesState(ctx).identities[name]) throw new AwsError('AlreadyExistsException', `Email identity <${name}> already exists.`, 400);
    if (input.ConfigurationSetName !== undefined) throw notFound(`Configuration set <${input.ConfigurationSetName}> does not exist.`);
    const tags = (input.Tags ?? []).map((t) => ({ Key: t.Key!, Value: t.Value ?? '' }));
    if (tags.length > 50) throw badRequest('Too many tags: an identity can have at most 50.');
    const identity = addIdentity(ctx, name, isEmail ? 'EmailAddress' : 'Domain', tags);
    return { IdentityType: typeOf(identity), VerifiedForSendingStatus: true, DkimAttributes: dkim(identity) };
  },
});

export const GetEmailIdentity = operation<GetEmailIdentityRequest, GetEmailIdentityResponse>({
  authorize: (i, ctx) => ({ action: 'ses:GetEmailIdentity', resource: identityArn(ctx, i.EmailIdentity ?? '*') }),
  handler(input, ctx) {
    const i = findIdentity(ctx, input.EmailIdentity);
    return {
      IdentityType: typeOf(i),
      FeedbackForwardingStatus: true,
      VerifiedForSendingStatus: true,
      DkimAttributes: dkim(i),
      Policies: {},
      Tags: i.tags,
      VerificationStatus: 'SUCCESS',
    };
  },
});

export const ListEmailIdentities = operation<ListEmailIdentitiesRequest, ListEmailIdentitiesResponse>({
  authorize: () => ({ action: 'ses:ListEmailIdentities', resource: '*' }),
  handler(input, ctx) {
    const size = input.PageSize ?? 1000;
    if (size < 1 || size > 1000) throw badRequest('PageSize must be between 1 and 1000.');
    const all: IdentityInfo[] = Object.values(sesState(ctx).identities)
      .sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : 1))
      .map((i) => ({ IdentityType: typeOf(i), IdentityName: i.name, SendingEnabled: true, VerificationStatus: 'SUCCESS' }));
    const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64').toString('utf8')) || 0 : 0;
    return {
      EmailIdentities: all.slice(start, start + size),
      NextToken: start + size < all.length ? Buffer.from(String(start + size)).toString('base64') : undefined,
    };
  },
});

export const DeleteEmailIdentity = operation<DeleteEmailIdentityRequest, object>({
  authorize: (i, ctx) => ({ action: 'ses:DeleteEmailIdentity', resource: identityArn(ctx, i.EmailIdentity ?? '*') }),
  handler(input, ctx) {
    const i = findIdentity(ctx, input.EmailIdentity);
    delete sesState(ctx).identities[i.name];
    return {};
  },
});
