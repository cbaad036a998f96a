import type { HttpRequest, HttpResponse } from './http.js';
import type { Principal } from '../auth/principal.js';
import type { Emulator } from '../emulator.js';

export type ProtocolName = 'awsJson1_0' | 'awsJson1_1' | 'awsQuery' | 'ec2Query' | 'restJson1' | 'restXml';

/** What an operation handler knows of its request: never the wire, only who asked, where, and what. */
export interface RequestContext {
  readonly requestId: string;
  readonly service: string;
  readonly operation: string;
  readonly region: string;
  readonly accountId: string;
  readonly principal: Principal;
  readonly emulator: Emulator;
  /** The endpoint the caller used, for URLs in responses (for example `http://localhost:4566`). */
  readonly endpoint: string;
  /** The raw HTTP request, for the few operations whose meaning depends on it (S3 hosts, presigned URLs). */
  readonly http?: HttpRequest;
}

/** One thing IAM is asked about a request: an action on a resource, with any request-specific condition keys. */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  /** Account that owns the resource, when it is not the caller's. */
  resourceAccount?: string;
  /** Extra condition keys for this request (for example `sts:ExternalId`). */
  context?: Record<string, string | string[]>;
  /** The resource's own policy (a Lambda function policy, a queue policy), if it has one. */
  resourcePolicy?: string | object;
}

export interface Operation<I = any, O = any> {
  handler: (input: I, ctx: RequestContext) => O | Promise<O>;
  /**
   * What IAM is asked before the handler runs. By default: `<prefix>:<OperationName>` on `*`.
   * Return an empty array for operations that need no permission (as sts:GetCallerIdentity).
   */
  authorize?: (input: I, ctx: RequestContext) => AuthorizationRequest | AuthorizationRequest[];
  /** Operations that change nothing skip the state write. Inferred from the name when not given. */
  readonly?: boolean;
}

/**
 * A key an output may carry to override the HTTP status its schema gives, where AWS's status
 * depends on the request and no member carries it (S3's 206 Partial Content).
 */
export const HTTP_STATUS = Symbol('awslings.httpStatus');

/** Declares an operation, typed with the AWS SDK's own request and response shapes. */
export function operation<I, O>(op: Operation<I, O>): Operation<I, O> {
  return op;
}

export interface ServiceDefinition<S = unknown> {
  /** The id used in state paths, logs and `/_localstack/health` (for example `iam`, `lambda`). */
  id: string;
  /** The SigV4 signing name and IAM action prefix. */
  signingName: string;
  iamPrefix?: string;
  protocol: ProtocolName;
  /** The `@aws-sdk/client-*` module: its schemas drive the wire format. */
  sdk: Record<string, unknown>;
  /** awsQuery / restXml / ec2Query: the XML namespace of responses. */
  xmlNamespace?: string;
  /** awsJson: the X-Amz-Target prefix (as `AWSCognitoIdentityProviderService`). */
  targetPrefix?: string;
  /** restXml: S3 writes a bare `<Error>`; CloudFront wraps it in `<ErrorResponse>`. */
  xmlErrorStyle?: 'wrapped' | 'unwrapped';
  /** awsJson services whose errors also carry the query-compatible code header (SQS). */
  awsQueryCompatible?: boolean;
  /**
   * A second protocol the service also speaks, chosen per request (SQS: awsJson1.0 for current
   * SDKs, awsQuery for older ones such as AWS CLI 2.9). Operations and errors are shared.
   */
  alternateProtocol?: { protocol: ProtocolName; when: (req: HttpRequest) => boolean };
  /** State per account only (IAM), rather than per account and region. */
  global?: boolean;
  state: () => S;
  operations: Record<string, Operation>;
  /** Called once when the service is first loaded: background work (reapers, queues) starts here. */
  start?: (emulator: Emulator) => void | Promise<void>;
  /** Called when the emulator closes: the service ends its background work for that emulator. */
  stop?: (emulator: Emulator) => void | Promise<void>;
  /** Drops in-memory resources (processes, timers) of an account being reset; state files are removed by the store. */
  reset?: (emulator: Emulator, accountId?: string) => void | Promise<void>;
  /** Operations AWS accepts without a signature (Cognito's SignUp, STS AssumeRoleWithWebIdentity). */
  anonymousOperations?: string[];
  /** Anonymous requests are evaluated, so only a resource policy can allow them (S3's public buckets). */
  evaluateAnonymous?: boolean;
  /**
   * rest protocols: labels the SDK's URI templates leave out, read from the host or a path prefix
   * (S3's bucket: `<bucket>.s3.localhost/key` or `/<bucket>/key`). The prefix is cut before matching.
   */
  routeLabels?: (req: HttpRequest) => { pathPrefix: string; labels: Record<string, string> };
  /** The error code for a request that fails schema validation, when it differs from the protocol's usual one. */
  validationErrorCode?: string;
  /** Data-plane or extra HTTP endpoints of this service, tried by the gateway before the API. */
  routes?: ServiceRoute[];
  /** Auth error codes differ by service family; the defaults follow the protocol. */
  authErrors?: Partial<AuthErrorCodes>;
}

export interface ServiceRoute {
  /** A cheap test of the request (host suffix, path prefix). */
  match: (req: HttpRequest) => boolean;
  handle: (req: HttpRequest, emulator: Emulator) => Promise<HttpResponse>;
}

export interface AuthErrorCodes {
  unknownKey: { code: string; status: number };
  badSignature: { code: string; status: number };
  expiredToken: { code: string; status: number };
  accessDenied: { code: string; status: number };
}

export function defineService<S>(def: ServiceDefinition<S>): ServiceDefinition<S> {
  return def;
}

const READONLY_PREFIXES = /^(Get|List|Describe|Head|Simulate|Lookup|Search|Filter|Test|Validate|Estimate|Check|Select|Scan|Query|Batch(Get|Describe))/;

export function isReadonly(name: string, op: Operation): boolean {
  return op.readonly ?? READONLY_PREFIXES.test(name);
}
