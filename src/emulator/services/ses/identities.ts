import { randomBytes } from 'node:crypto';
import type {
  DeleteIdentityRequest,
  DeleteVerifiedEmailAddressRequest,
  GetIdentityVerificationAttributesRequest,
  GetIdentityVerificationAttributesResponse,
  IdentityVerificationAttributes,
  ListIdentitiesRequest,
  ListIdentitiesResponse,
  ListVerifiedEmailAddressesResponse,
  VerifyDomainIdentityRequest,
  VerifyDomainIdentityResponse,
  VerifyEmailAddressRequest,
  VerifyEmailIdentityRequest,
} from '@aws-sdk/client-ses';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { checkAddress, identityArn, sesState, type SesIdentity } from './state.js';

export function checkDomain(domain: string): string {
  const d = domain.trim().toLowerCase();
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d)) {
    throw new AwsError('InvalidParameterValue', `Invalid domain name ${domain}.`, 400);
  }
  return d;
}

/**
 * Adds an identity, verified at once. AWS mails a link to an address, or asks for a DNS record for
 * a domain, and waits; the sandbox has no inbox and no DNS, so it treats the identity as verified.
 */
export function addIdentity(ctx: RequestContext, name: string, type: SesIdentity['type'], tags: SesIdentity['tags'] = []): SesIdentity {
  const state = sesState(ctx);
  const existing = state.identities[name];
  if (existing) return existing;
  const identity: SesIdentity = {
    name,
    type,
    createdAt: ctx.emulator.clock.now(),
    verificationToken: type === 'Domain' ? randomBytes(32).toString('base64') : undefined,
    dkimTokens: type === 'Domain' ? [0, 1, 2].map(() => randomBytes(16).toString('hex')) : undefined,
    tags,
  };
  state.identities[name] = identity;
  return identity;
}

const anyIdentity = (ctx: RequestContext, action: string) => ({ action, resource: identityArn(ctx, '*') });

export const VerifyEmailIdentity = operation<VerifyEmailIdentityRequest, object>({
  authorize: (_i, ctx) => anyIdentity(ctx, 'ses:VerifyEmailIdentity'),
  handler(input, ctx) {
    addIdentity(ctx, checkAddress(input.EmailAddress!), 'EmailAddress');
    return {};
  },
});

/** The older name of VerifyEmailIdentity, still answered by SES. */
export const VerifyEmailAddress = operation<VerifyEmailAddressRequest, object>({
  authorize: (_i, ctx) => anyIdentity(ctx, 'ses:VerifyEmailAddress'),
  handler(input, ctx) {
    addIdentity(ctx, checkAddress(input.EmailAddress!), 'EmailAddress');
    return {};
  },
});

export const VerifyDomainIdentity = operation<VerifyDomainIdentityRequest, VerifyDomainIdentityResponse>({
  authorize: (_i, ctx) => anyIdentity(ctx, 'ses:VerifyDomainIdentity'),
  handler(input, ctx) {
    const identity = addIdentity(ctx, checkDomain(input.Domain!), 'Domain');
    return { VerificationToken: identity.verificationToken! };
  },
});

export const ListIdentities = operation<ListIdentitiesRequest, ListIdentitiesResponse>({
  authorize: (_i, ctx) => anyIdentity(ctx, 'ses:ListIdentities'),
  handler(input, ctx) {
    const max = input.MaxItems ?? 1000;
    if (max < 1 || max > 1000) throw new AwsError('InvalidParameterValue', 'MaxItems must be between 1 and 1000.', 400);
    const all = Object.values(sesState(ctx).identities)
      .filter((i) => !input.IdentityType || i.type === input.IdentityType)
      .sort((a, b) => a.createdAt - b.createdAt || (a.name < b.name ? -1 : 1))
      .map((i) => i.name);
    const start = input.NextToken ? Number(Buffer.from(input.NextToken, 'base64').toString('utf8')) || 0 : 0;
    const page = all.slice(start, start + max);
    return { Identities: page, NextToken: start + max < all.length ? Buffer.from(String(start + max)).toString('base64') : undefined };
  },
});

export const ListVerifiedEmailAddresses = operation<object, ListVerifiedEmailAddressesResponse>({
  authorize: (_i, ctx) => anyIdentity(ctx, 'ses:ListVerifiedEmailAddresses'),
  handler: (_input, ctx) => ({
    VerifiedEmailAddresses: Object.values(sesState(ctx).identities)
      .filter((i) => i.type === 'EmailAddress')
      .map((i) => i.name),
  }),
});

export const GetIdentityVerificationAttributes = operation<GetIdentityVerificationAttributesRequest, GetIdentityVerificationAttributesResponse>({
  authorize: (_i, ctx) => anyIdentity(ctx, 'ses:GetIdentityVerificationAttributes'),
  handler(input, ctx) {
    const state = sesState(ctx);
    const VerificationAttributes: Record<string, IdentityVerificationAttributes> = {};
    for (const name of input.Identities ?? []) {
      const i = state.identities[name.includes('@') ? name : name.toLowerCase()];
      // Identities SES does not know are left out, as AWS does.
      if (i) VerificationAttributes[name] = { VerificationStatus: 'Success', VerificationToken: i.verificationToken };
    }
    return { VerificationAttributes };
  },
});

export const DeleteIdentity = operation<DeleteIdentityRequest, object>({
  authorize: (i, ctx) => ({ action: 'ses:DeleteIdentity', resource: identityArn(ctx, i.Identity ?? '*') }),
  handler(input, ctx) {
    const name = input.Identity!;
    // Domains are case-insensitive; the local part of an address is not.
    delete sesState(ctx).identities[name.includes('@') ? name : name.toLowerCase()];
    return {};
  },
});

export const DeleteVerifiedEmailAddress = operation<DeleteVerifiedEmailAddressRequest, object>({
  authorize: (_i, ctx) => anyIdentity(ctx, 'ses:DeleteVerifiedEmailAddress'),
  handler(input, ctx) {
    delete sesState(ctx).identities[input.EmailAddress!];
    return {};
  },
});
