import type { HttpRequest } from '../core/http.js';
import type { ServiceDefinition } from '../core/service.js';

/**
 * Every service the emulator knows, with only what the gateway needs to route a request to it.
 * A service's code (and its AWS SDK schemas) loads on its first request, so start-up stays fast.
 */
export interface CatalogEntry {
  id: string;
  /** SigV4 signing names (the service in the credential scope). */
  signingNames: string[];
  /** awsJson X-Amz-Target prefixes. */
  targetPrefixes?: string[];
  /** Query `Action`s that AWS accepts unsigned (STS AssumeRoleWithWebIdentity). */
  unsignedActions?: string[];
  /** Paths that identify the service when a request is unsigned. */
  pathPattern?: RegExp;
  /** When two services share a signing name (SES v1/v2, API Gateway v1/v2): is this request ours? */
  claims?: (req: HttpRequest) => boolean;
  /** Data-plane requests this service answers (API Gateway stages, function URLs, CloudFront). */
  dataPlane?: (req: HttpRequest) => boolean;
  load: () => Promise<ServiceDefinition<any>>;
}

const def = async (p: Promise<{ default: ServiceDefinition<any> }>) => (await p).default;

export const catalog: CatalogEntry[] = [
  {
    id: 'sts',
    signingNames: ['sts'],
    unsignedActions: ['AssumeRoleWithWebIdentity', 'AssumeRoleWithSAML'],
    load: () => def(import('./sts/index.js')),
  },
  {
    id: 'iam',
    signingNames: ['iam'],
    load: () => def(import('./iam/index.js')),
  },
];
