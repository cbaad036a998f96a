import type {
  CreateUserPoolDomainRequest,
  CreateUserPoolDomainResponse,
  DeleteUserPoolDomainRequest,
  DeleteUserPoolDomainResponse,
  DescribeUserPoolDomainRequest,
  DescribeUserPoolDomainResponse,
  UpdateUserPoolDomainRequest,
  UpdateUserPoolDomainResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { createHash } from 'node:crypto';
import { operation, type RequestContext } from '../../core/service.js';
import { invalidParameter, nowIso } from './common.js';
import { poolOf, type CognitoIdpState, type StoredPool } from './state.js';

/** A prefix domain's CloudFront name, stable for the domain, as AWS shows one. */
const cloudFrontOf = (domain: string) => `d${createHash('sha256').update(domain).digest('hex').slice(0, 13)}.cloudfront.net`;

function poolWithDomain(ctx: RequestContext, domain: string): StoredPool | undefined {
  const state = ctx.emulator.stateFor<CognitoIdpState>('cognito-idp', ctx.accountId, ctx.region);
  return Object.values(state.pools).find((p) => p.domain?.Domain === domain);
}

function checkDomain(domain: string | undefined, custom: boolean): string {
  const d = domain ?? '';
  if (custom) {
    if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/.test(d)) throw invalidParameter(`Domain ${d} is not a valid domain name.`);
    return d;
  }
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(d)) {
    throw invalidParameter(`1 validation error detected: Value '${d}' at 'domain' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z0-9](?:[a-z0-9\\-]{0,61}[a-z0-9])?$`);
  }
  for (const word of ['aws', 'amazon', 'cognito']) if (d.includes(word)) throw invalidParameter(`Domain cannot contain reserved word: ${word}`);
  return d;
}

export const CreateUserPoolDomain = operation<CreateUserPoolDomainRequest, CreateUserPoolDomainResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    const custom = !!input.CustomDomainConfig;
    const domain = checkDomain(input.Domain, custom);
    if (poolWithDomain(ctx, domain)) throw invalidParameter('Domain already associated with another user pool.');
    if (pool.domain) throw invalidParameter(`User pool ${pool.Id} already has a domain configured.`);
    pool.domain = { Domain: domain, created: nowIso(ctx), ManagedLoginVersion: input.ManagedLoginVersion ?? 1 };
    return { ManagedLoginVersion: pool.domain.ManagedLoginVersion, ...(custom ? { CloudFrontDomain: cloudFrontOf(domain) } : {}) };
  },
});

export const DescribeUserPoolDomain = operation<DescribeUserPoolDomainRequest, DescribeUserPoolDomainResponse>({
  handler(input, ctx) {
    const pool = poolWithDomain(ctx, input.Domain ?? '');
    // AWS answers an unknown domain with an empty description, not an error.
    if (!pool) return { DomainDescription: {} };
    return {
      DomainDescription: {
        UserPoolId: pool.Id,
        AWSAccountId: ctx.accountId,
        Domain: pool.domain!.Domain,
        S3Bucket: `aws-cognito-prod-${ctx.region.replace(/-/g, '')}-assets`,
        CloudFrontDistribution: cloudFrontOf(pool.domain!.Domain),
        Version: pool.domain!.created.replace(/\D/g, '').slice(0, 14),
        Status: 'ACTIVE',
        ManagedLoginVersion: pool.domain!.ManagedLoginVersion,
      },
    };
  },
});

export const UpdateUserPoolDomain = operation<UpdateUserPoolDomainRequest, UpdateUserPoolDomainResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    if (!pool.domain || pool.domain.Domain !== input.Domain) throw invalidParameter('No such domain or user pool exists.');
    if (input.ManagedLoginVersion !== undefined) pool.domain.ManagedLoginVersion = input.ManagedLoginVersion;
    return { ManagedLoginVersion: pool.domain.ManagedLoginVersion, ...(input.CustomDomainConfig ? { CloudFrontDomain: cloudFrontOf(pool.domain.Domain) } : {}) };
  },
});

export const DeleteUserPoolDomain = operation<DeleteUserPoolDomainRequest, DeleteUserPoolDomainResponse>({
  handler(input, ctx) {
    const { pool } = poolOf(ctx, input.UserPoolId);
    if (!pool.domain || pool.domain.Domain !== input.Domain) throw invalidParameter('No such domain or user pool exists.');
    delete pool.domain;
    return {};
  },
});
