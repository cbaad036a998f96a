import { EventEmitter } from 'node:events';
import type { HttpRequest, HttpResponse } from './core/http.js';
import { AwsError, isAwsError } from './core/errors.js';
import { StateStore } from './core/store.js';
import { Outbox } from './core/outbox.js';
import { requestId as newRequestId } from './core/ids.js';
import { isReadonly, type AuthorizationRequest, type RequestContext, type ServiceDefinition } from './core/service.js';
import { catalog } from './services/catalog.js';
import { dataPlaneFor, identifyService } from './gateway.js';
import { codecFor, loadCodec, serviceModel, type ProtocolCodec } from './protocols/index.js';
import type { ServiceModel } from './protocols/model.js';
import { validateInput } from './protocols/validate.js';
import { parseSigV4, type SigV4Auth } from './auth/sigv4.js';
import { authenticate, missingAuthentication } from './auth/authenticate.js';
import { enforce, DecisionLog } from './auth/enforce.js';
import { servicePrincipal, type Principal } from './auth/principal.js';
import { handleInternal } from './internal/routes.js';

export interface Clock {
  now(): number;
}

export interface EmulatorOptions {
  /** Directory for state; without it, state lives in memory only. */
  stateDir?: string;
  /** Default region for unsigned requests. */
  defaultRegion?: string;
  /** Adds the canonical request to SignatureDoesNotMatch messages (AWS does this for S3 only). */
  verboseSignatureErrors?: boolean;
  clock?: Clock;
  /** One line per request (`iam.CreateRole 200 2ms`), for the CLI's console. */
  log?: (line: string) => void;
  /** Settings for individual services, by service id (for example `lambda: { idleSeconds: 60 }`). */
  services?: Record<string, Record<string, unknown>>;
}

export interface LoadedService {
  def: ServiceDefinition<unknown>;
  model: ServiceModel;
  codec: ProtocolCodec;
}

export interface CallOptions {
  accountId: string;
  region?: string;
  principal?: Principal;
  /** Evaluate IAM for the principal, as if it had made the request itself. */
  enforce?: boolean;
}

export interface RequestEvent {
  requestId: string;
  time: string;
  accountId: string;
  region: string;
  service: string;
  operation: string;
  status: number;
  durationMs: number;
  principal: string;
  errorCode?: string;
}

/**
 * The AWS emulator: one object that answers AWS API requests. `server.ts` puts it on a port;
 * tests and the sandbox server can also call `handle` and `call` directly.
 */
export class Emulator {
  readonly options: EmulatorOptions;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly decisions = new DecisionLog();
  /** Mail and SMS the sandbox "sent" (SES, Cognito codes), for learners and checkers to read. */
  readonly outbox = new Outbox();
  readonly events = new EventEmitter();
  /** The URL clients use (set by the server once it listens). */
  endpoint = 'http://localhost:4566';
  private readonly loading = new Map<string, Promise<LoadedService>>();
  private readonly loaded = new Map<string, LoadedService>();
  private closed = false;

  constructor(options: EmulatorOptions = {}) {
    this.options = options;
    this.clock = options.clock ?? { now: () => Date.now() };
    this.store = new StateStore({ dir: options.stateDir });
    this.events.setMaxListeners(100);
  }

  get defaultRegion(): string {
    return this.options.defaultRegion ?? 'us-east-1';
  }

  /** Loads a service on first use (its code and its SDK schemas), and starts its background work. */
  service(id: string): Promise<LoadedService> {
    let p = this.loading.get(id);
    if (!p) {
      const entry = catalog.find((e) => e.id === id);
      if (!entry) return Promise.reject(new Error(`awslings: unknown service ${id}`));
      p = (async () => {
        const def = (await entry.load()) as ServiceDefinition<unknown>;
        const codec = await loadCodec(def.protocol);
        if (def.alternateProtocol) await loadCodec(def.alternateProtocol.protocol);
        const svc: LoadedService = { def, model: serviceModel(def), codec };
        this.loaded.set(id, svc);
        await def.start?.(this);
        return svc;
      })();
      p.catch(() => this.loading.delete(id));
      this.loading.set(id, p);
    }
    return p;
  }

  loadedServices(): string[] {
    return [...this.loaded.keys()];
  }

  /** A service's state document for an account and region (IAM and other global services ignore the region). */
  stateFor<S>(serviceId: string, accountId: string, region: string): S {
    const svc = this.loaded.get(serviceId);
    if (!svc) throw new Error(`awslings: service ${serviceId} used before it was loaded`);
    return this.store.doc<S>(serviceId, accountId, svc.def.global ? 'global' : region, svc.def.state as () => S);
  }

  /** Records background changes (async invocations, queue deliveries) and writes them soon. */
  persistSoon(): void {
    this.store.scheduleFlush();
  }

  /** Data planes (API Gateway stages, function URLs...) answer CORS preflights themselves. */
  handlesPreflight(req: HttpRequest): boolean {
    return dataPlaneFor(req) !== undefined;
  }

  /** Answers one HTTP request. Never throws: every failure becomes an AWS-shaped error response. */
  async handle(req: HttpRequest): Promise<HttpResponse> {
    const requestId = newRequestId();
    const t0 = performance.now();
    let svc: LoadedService | undefined;
    let codec: ProtocolCodec | undefined;
    let operation = '';
    let accountId = '000000000000';
    let region = this.defaultRegion;
    let principalArn = 'anonymous';
    let response: HttpResponse;
    try {
      const internal = await handleInternal(this, req);
      if (internal) return internal;

      const dp = dataPlaneFor(req);
      if (dp) {
        const s = await this.service(dp.id);
        const route = s.def.routes?.find((r) => r.match(req));
        if (route) return await route.handle(req, this);
      }

      let auth: SigV4Auth | undefined;
      let authError: unknown;
      try {
        auth = parseSigV4(req);
      } catch (e) {
        authError = e;
      }
      const entry = identifyService(req, auth);
      if (!entry) {
        return unknownService(req, requestId, auth);
      }
      svc = await this.service(entry.id);
      codec = svc.def.alternateProtocol?.when(req) ? codecFor(svc.def.alternateProtocol.protocol) : svc.codec;
      if (authError) throw authError;
      if (auth?.region) region = auth.region;

      const op = codec.resolve(req, svc.model);
      operation = op.name;
      const handler = svc.def.operations[op.name];
      if (!handler) throw notImplemented(svc.def.id, op.name);

      const principal = await authenticate(this, req, auth, svc.def);
      if (principal.type === 'anonymous' && !svc.def.anonymousOperations?.includes(op.name)) {
        throw missingAuthentication(svc.def);
      }
      accountId = principal.accountId;
      principalArn = principal.arn;

      const input = await codec.decode(req, op, svc.model);
      validateInput(op.input, input, svc.def.validationErrorCode ?? codec.validationCode);

      const ctx: RequestContext = {
        requestId,
        service: svc.def.id,
        operation: op.name,
        region,
        accountId,
        principal,
        emulator: this,
        endpoint: endpointOf(req, this.endpoint),
        http: req,
      };
      await enforce(this, principal, authorizationFor(svc.def, op.name, input, ctx), {
        def: svc.def,
        operation: op.name,
        region,
        http: req,
      });
      const output = await handler.handler(input, ctx);
      if (!isReadonly(op.name, handler)) this.store.flush();
      response = codec.encode(op, output, svc.model, { requestId });
    } catch (e) {
      response = this.errorResponse(e, svc, codec, requestId, `${svc?.def.id ?? '?'}.${operation}`);
    }
    response.headers['x-amzn-requestid'] ??= requestId;
    if (svc) {
      const ev: RequestEvent = {
        requestId,
        time: new Date().toISOString(),
        accountId,
        region,
        service: svc.def.id,
        operation,
        status: response.status,
        durationMs: Math.round((performance.now() - t0) * 100) / 100,
        principal: principalArn,
        errorCode: response.status >= 400 ? String(response.headers['x-amzn-errortype'] ?? '').replace(/:.*/, '') : undefined,
      };
      this.events.emit('request', ev);
      this.options.log?.(`${ev.service}.${ev.operation || '?'} ${ev.status}${ev.errorCode ? ' ' + ev.errorCode : ''} ${ev.durationMs}ms`);
    }
    return response;
  }

  private errorResponse(e: unknown, svc: LoadedService | undefined, codec: ProtocolCodec | undefined, requestId: string, where: string): HttpResponse {
    let err: AwsError;
    if (isAwsError(e)) err = e;
    else {
      // A bug in the emulator, never the caller's fault: say so, and keep serving.
      const message = e instanceof Error ? e.message : String(e);
      process.emitWarning(`awslings: internal error in ${where}: ${e instanceof Error ? e.stack : message}`);
      err = new AwsError('InternalFailure', `awslings: the sandbox failed while handling ${where}: ${message}`, 500, { fault: 'server' });
    }
    if (svc) {
      try {
        return (codec ?? svc.codec).encodeError(err, svc.model, { requestId });
      } catch {
        /* fall through to a plain JSON error */
      }
    }
    return {
      status: err.status ?? 400,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': err.code },
      body: JSON.stringify({ __type: err.code, message: err.message }),
    };
  }

  /**
   * Calls an operation from inside the emulator (CloudFormation creating a resource, Lambda
   * delivering to a destination), with typed objects and no wire format.
   */
  async call<O = Record<string, unknown>>(serviceId: string, operation: string, input: object, opts: CallOptions): Promise<O> {
    const svc = await this.service(serviceId);
    const handler = svc.def.operations[operation];
    if (!handler) throw notImplemented(serviceId, operation);
    const region = opts.region ?? this.defaultRegion;
    const principal = opts.principal ?? servicePrincipal(opts.accountId);
    const ctx: RequestContext = {
      requestId: newRequestId(),
      service: svc.def.id,
      operation,
      region,
      accountId: opts.accountId,
      principal,
      emulator: this,
      endpoint: this.endpoint,
    };
    if (opts.enforce) {
      await enforce(this, principal, authorizationFor(svc.def, operation, input as Record<string, unknown>, ctx), {
        def: svc.def,
        operation,
        region,
      });
    }
    const output = (await handler.handler(input, ctx)) as O;
    if (!isReadonly(operation, handler)) this.store.flush();
    return output;
  }

  /** Forgets an account's state (or every account's), as `POST /_awslings/reset` does. */
  async reset(accountId?: string): Promise<void> {
    for (const svc of this.loaded.values()) await svc.def.reset?.(this, accountId);
    this.store.reset(accountId);
    this.decisions.clear(accountId);
    this.outbox.clear(accountId);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const svc of this.loaded.values()) {
      try {
        await svc.def.stop?.(this);
      } catch {
        /* keep closing the others */
      }
    }
    this.store.close();
  }
}

function authorizationFor(
  def: ServiceDefinition<unknown>,
  name: string,
  input: Record<string, unknown>,
  ctx: RequestContext,
): AuthorizationRequest[] {
  const op = def.operations[name];
  if (op.authorize) {
    const r = op.authorize(input, ctx);
    return Array.isArray(r) ? r : [r];
  }
  return [{ action: `${def.iamPrefix ?? def.signingName}:${name}`, resource: '*' }];
}

/** AWS has the operation, the sandbox does not: a clear 400 naming both, never a server error. */
function notImplemented(service: string, operation: string): AwsError {
  return new AwsError(
    'UnsupportedOperation',
    `awslings: the ${service} operation ${operation} is not available in the sandbox. The operations it supports are listed at /_awslings/services.`,
    400,
  );
}

function endpointOf(req: HttpRequest, fallback: string): string {
  const host = req.headers['host'];
  return host ? `http://${host}` : fallback;
}

function unknownService(req: HttpRequest, requestId: string, auth: SigV4Auth | undefined): HttpResponse {
  if (!auth) {
    // Unsigned, and nothing else says which service it is for: AWS's front door answers this way.
    return {
      status: 403,
      headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': 'MissingAuthenticationTokenException' },
      body: JSON.stringify({
        __type: 'MissingAuthenticationTokenException',
        message: `Request is missing Authentication Token (awslings: sign requests with SigV4, for example with the AWS SDK or CLI and AWS_ACCESS_KEY_ID=test; ${req.method} ${req.rawPath} names no service)`,
      }),
    };
  }
  return {
    status: 400,
    headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': 'UnknownServiceException' },
    body: JSON.stringify({
      __type: 'UnknownServiceException',
      message: `awslings: the sandbox does not emulate the service "${auth.service}" this request is signed for. Supported services: ${catalog.map((e) => e.id).join(', ')}.`,
    }),
  };
}
