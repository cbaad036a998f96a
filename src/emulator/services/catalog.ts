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
  /** Hosts that name the service whatever the path (S3's virtual hosts, `<bucket>.s3.localhost`). */
  hostPattern?: RegExp;
  /** Takes unsigned requests that nothing else claims (S3, as LocalStack does). */
  fallback?: boolean;
  /** Data-plane requests this service answers (API Gateway stages, function URLs, CloudFront). */
  dataPlane?: (req: HttpRequest) => boolean;
  load: () => Promise<ServiceDefinition<any>>;
}

const S3_HOST = /\.s3([.-][a-z0-9-]+)?\.(localhost|amazonaws\.com|localhost\.localstack\.cloud)$/;

const def = async (p: Promise<{ default: ServiceDefinition<any> }>) => (await p).default;

/**
 * API Gateway's data plane (REST and HTTP APIs): `<apiId>.execute-api.localhost` (curl and browsers
 * resolve *.localhost; so do LocalStack's host forms), and the path-style twins Node can reach:
 * `/restapis/<apiId>/<stage>/_user_request_/…` and `/_aws/execute-api/<apiId>/…`.
 */
const EXECUTE_API_HOST = /^[a-z0-9]{10}\.execute-api(\.[a-z0-9-]+)?\.(localhost|localhost\.localstack\.cloud|amazonaws\.com)$/;
const isExecuteApi = (req: HttpRequest) =>
  EXECUTE_API_HOST.test(req.hostname) || req.rawPath.startsWith('/_aws/execute-api/') || /^\/restapis\/[a-z0-9]+\/[^/]+\/_user_request_(\/|$)/.test(req.rawPath);
/** CloudFront: `<distributionId>.cloudfront.localhost` (or its `d….cloudfront.net` domain as Host), and `/_aws/cloudfront/<id>/…`. */
const CLOUDFRONT_HOST = /^[a-z0-9]+\.cloudfront\.(localhost|net)$/;
const isCloudFront = (req: HttpRequest) => CLOUDFRONT_HOST.test(req.hostname) || req.rawPath.startsWith('/_aws/cloudfront/');

/**
 * Cognito user pools: issuer URLs (`/<poolId>/.well-known/jwks.json`), the hosted UI path-style
 * (`/_aws/cognito-idp/<domain>/…`, and the stand-in Google and Facebook pages) and on its own host,
 * `<domain>.auth.<region>.localhost`.
 */
const COGNITO_ISSUER = /^\/[a-z]{2}(-[a-z]+)+-\d+_[0-9A-Za-z]+\/\.well-known\/(jwks\.json|openid-configuration)$/;
const COGNITO_HOST = /^[a-z0-9-]+\.auth\.[a-z0-9-]+\.localhost$/;
const isCognitoDataPlane = (req: HttpRequest) =>
  COGNITO_ISSUER.test(req.rawPath) || req.rawPath.startsWith('/_aws/cognito-idp/') || COGNITO_HOST.test(req.hostname);

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
  {
    id: 's3',
    signingNames: ['s3'],
    hostPattern: S3_HOST,
    fallback: true,
    // Browsers' CORS preflights for a bucket, answered from its CORS rules.
    dataPlane: (req) =>
      req.method === 'OPTIONS' &&
      req.headers['access-control-request-method'] !== undefined &&
      (S3_HOST.test(req.hostname) ||
        (/^\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/|$)/.test(req.rawPath) &&
          !catalog.some((e) => e.id !== 's3' && (e.pathPattern?.test(req.rawPath) || e.dataPlane?.(req))))),
    load: () => def(import('./s3/index.js')),
  },
  {
    id: 'cloudformation',
    signingNames: ['cloudformation'],
    load: () => def(import('./cloudformation/index.js')),
  },
  {
    id: 'ssm',
    signingNames: ['ssm'],
    targetPrefixes: ['AmazonSSM'],
    load: () => def(import('./ssm/index.js')),
  },
  {
    id: 'ec2',
    signingNames: ['ec2'],
    load: () => def(import('./ec2/index.js')),
  },
  {
    id: 'sqs',
    signingNames: ['sqs'],
    targetPrefixes: ['AmazonSQS'],
    load: () => def(import('./sqs/index.js')),
  },
  {
    id: 'logs',
    signingNames: ['logs'],
    targetPrefixes: ['Logs_20140328'],
    load: () => def(import('./logs/index.js')),
  },
  {
    id: 'ses',
    signingNames: ['ses'],
    // LocalStack's sent-mail endpoint.
    dataPlane: (req) => req.rawPath === '/_aws/ses' || req.rawPath === '/_aws/ses/',
    load: () => def(import('./ses/index.js')),
  },
  {
    id: 'sesv2',
    signingNames: ['ses'],
    claims: (req) => req.rawPath.startsWith('/v2/email/'),
    pathPattern: /^\/v2\/email\//,
    load: () => def(import('./sesv2/index.js')),
  },
  {
    id: 'apigateway',
    signingNames: ['apigateway'],
    // REST APIs and HTTP APIs share the signing name; HTTP APIs' paths start with /v2/.
    claims: (req) => !req.rawPath.startsWith('/v2/'),
    dataPlane: isExecuteApi,
    load: () => def(import('./apigateway/index.js')),
  },
  {
    id: 'apigatewayv2',
    signingNames: ['apigateway'],
    claims: (req) => req.rawPath.startsWith('/v2/'),
    load: () => def(import('./apigatewayv2/index.js')),
  },
  {
    id: 'cloudfront',
    signingNames: ['cloudfront'],
    dataPlane: isCloudFront,
    load: () => def(import('./cloudfront/index.js')),
  },
  {
    id: 'lambda',
    signingNames: ['lambda'],
    // The API's paths carry the date of the API version that added them (/2015-03-31/functions, /2017-10-31/…).
    pathPattern: /^\/20\d\d-\d\d-\d\d\/(functions|account-settings|tags|layers|event-source-mappings|code-signing-configs|resource-policy|capacity-providers)(\/|$|\?)/,
    // The sandbox's own endpoints: execution environments for the cold-start view, functions' code.
    // And function URLs: `<urlId>.lambda-url.<region>.localhost` and their twin `/_aws/lambda-url/<urlId>/…`.
    dataPlane: (req) => req.rawPath.startsWith('/_awslings/lambda/') || req.rawPath.startsWith('/_aws/lambda-url/') || /\.lambda-url\.[a-z0-9-]+\.(localhost|on\.aws)$/.test(req.hostname),
    load: () => def(import('./lambda/index.js')),
  },
  {
    id: 'cognito-idp',
    signingNames: ['cognito-idp'],
    targetPrefixes: ['AWSCognitoIdentityProviderService'],
    dataPlane: isCognitoDataPlane,
    load: () => def(import('./cognito-idp/index.js')),
  },
  {
    id: 'cognito-identity',
    signingNames: ['cognito-identity'],
    targetPrefixes: ['AWSCognitoIdentityService'],
    load: () => def(import('./cognito-identity/index.js')),
  },
];
