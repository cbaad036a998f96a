import type { DistributionConfig, InvalidationBatch, Tag } from '@aws-sdk/client-cloudfront';
import type { RequestContext } from '../../core/service.js';

/** CloudFront is global: one state document per account. Dates are ISO strings. */
export interface DistributionRecord {
  Id: string;
  ARN: string;
  DomainName: string;
  /** InProgress until the next request after a change, then Deployed (AWS takes minutes; the sandbox does not). */
  Status: 'InProgress' | 'Deployed';
  LastModifiedTime: string;
  ETag: string;
  config: DistributionConfig;
  tags: Tag[];
  invalidations: InvalidationRecord[];
}

export interface InvalidationRecord {
  Id: string;
  Status: 'InProgress' | 'Completed';
  CreateTime: string;
  InvalidationBatch: InvalidationBatch;
}

export interface OriginAccessControlRecord {
  Id: string;
  ETag: string;
  Name: string;
  Description?: string;
  SigningProtocol: string;
  SigningBehavior: string;
  OriginAccessControlOriginType: string;
}

export interface CloudFrontState {
  distributions: Record<string, DistributionRecord>;
  originAccessControls: Record<string, OriginAccessControlRecord>;
}

export const initialCloudFrontState = (): CloudFrontState => ({ distributions: {}, originAccessControls: {} });

export const cloudfrontState = (ctx: Pick<RequestContext, 'emulator' | 'accountId'>): CloudFrontState =>
  ctx.emulator.stateFor<CloudFrontState>('cloudfront', ctx.accountId, 'global');
