import * as cloudfront from '@aws-sdk/client-cloudfront';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import { initialCloudFrontState, type CloudFrontState } from './state.js';
import * as distributions from './distributions.js';
import * as invalidations from './invalidations.js';
import * as cachePolicies from './cachePolicies.js';
import * as originAccessControls from './originAccessControls.js';
import * as tags from './tags.js';
import { forgetAll } from './cache.js';
import { cloudfrontRoute } from './dataPlane.js';

/**
 * CloudFront: distributions, invalidations and (managed) cache policies, and the data plane at
 * `<distributionId>.cloudfront.localhost` / `/_aws/cloudfront/<distributionId>/…` with Lambda@Edge.
 */
export default defineService<CloudFrontState>({
  id: 'cloudfront',
  signingName: 'cloudfront',
  protocol: 'restXml',
  sdk: cloudfront,
  xmlNamespace: 'http://cloudfront.amazonaws.com/doc/2020-05-31/',
  xmlErrorStyle: 'wrapped',
  global: true,
  state: initialCloudFrontState,
  operations: pickOperations(distributions, invalidations, cachePolicies, originAccessControls, tags),
  routes: [cloudfrontRoute],
  reset: (emulator) => forgetAll(emulator),
});
