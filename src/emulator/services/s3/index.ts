import * as s3 from '@aws-sdk/client-s3';
import { defineService } from '../../core/service.js';
import { pickOperations } from '../../core/operations.js';
import { initialS3State, type S3State } from './state.js';
import * as buckets from './buckets.js';
import * as bucketConfig from './bucketConfig.js';
import * as objects from './objects.js';
import * as objectTagging from './objectTagging.js';
import * as listObjects from './listObjects.js';
import * as multipart from './multipart.js';
import { routeLabels } from './routing.js';
import { corsPreflight } from './cors.js';

const operations = pickOperations(buckets, bucketConfig, objects, objectTagging, listObjects, multipart);

/**
 * S3: buckets and objects. Object bytes live in the blob store on disk and are streamed back;
 * the state document keeps only their metadata. Path-style and virtual-host (`<bucket>.s3.localhost`)
 * addressing, presigned URLs (SigV4 query auth), and public access through bucket policies.
 */
export default defineService<S3State>({
  id: 's3',
  signingName: 's3',
  protocol: 'restXml',
  sdk: s3,
  xmlNamespace: 'http://s3.amazonaws.com/doc/2006-03-01/',
  xmlErrorStyle: 'unwrapped',
  global: true,
  state: initialS3State,
  operations,
  // Anyone may ask; a bucket policy decides (anonymous requests are evaluated against it).
  anonymousOperations: Object.keys(operations),
  evaluateAnonymous: true,
  validationErrorCode: 'InvalidArgument',
  routeLabels,
  routes: [corsPreflight],
});

export { getObjectBytes } from './state.js';
