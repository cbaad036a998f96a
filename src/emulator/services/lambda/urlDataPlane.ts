import type { HttpRequest, HttpResponse } from '../../core/http.js';
import type { ServiceRoute } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import { isAwsError } from '../../core/errors.js';
import { parseSigV4 } from '../../auth/sigv4.js';
import { authenticate } from '../../auth/authenticate.js';
import { enforce } from '../../auth/enforce.js';
import { evaluate } from '../../auth/policy.js';
import { eventV2, mapProxyResponseV2, type RequestFacts } from '../apigateway/common/events.js';
import { extendedRequestId, sourceIpOf, traceId } from '../apigateway/common/requests.js';
import { preflight, withCors } from '../apigateway/common/cors.js';
import { recordRequest } from '../apigateway/common/executeApi.js';
import { findFunction, functionArn, parseFunctionName, resourcePolicyFor } from './common.js';
import { invokeFunction } from './invoke.js';
import { URL_STATE, accountOfUrlId, urlConfigOf, urlState, type FunctionUrlRecord } from './functionUrls.js';

/**
 * The data plane of function URLs: `<urlId>.lambda-url.<region>.localhost` (curl, browsers) and its
 * path-style twin `/_aws/lambda-url/<urlId>/…` (Node). Requests and responses use the payload 2.0
 * format; AuthType NONE needs a resource policy that lets anyone call lambda:InvokeFunctionUrl,
 * AWS_IAM a SigV4 signature from a principal allowed to.
 */

const HOST = /^([a-z0-9]{32})\.lambda-url\.([a-z0-9-]+)\.(localhost|on\.aws|localhost\.localstack\.cloud)$/;
const PATH = /^\/_aws\/lambda-url\/([a-z0-9]{32})(\/.*)?$/;

export function parseFunctionUrl(req: HttpRequest): { urlId: string; region?: string; path: string } | undefined {
  const h = HOST.exec(req.hostname);
  if (h) return { urlId: h[1], region: h[2], path: req.rawPath || '/' };
  const p = PATH.exec(req.rawPath);
  if (p) return { urlId: p[1], path: p[2] ?? '/' };
  return undefined;
}

const forbidden = (): HttpResponse => ({
  status: 403,
  headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
  body: JSON.stringify({ Message: 'Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html' }),
});
const json = (status: number, body: unknown): HttpResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

function find(emulator: Emulator, urlId: string, region?: string): { accountId: string; region: string; record: FunctionUrlRecord } | undefined {
  const accountId = accountOfUrlId(urlId);
  if (!accountId) return undefined;
  const regions = emulator.store.regions(URL_STATE, accountId).filter((r) => !region || r === region);
  for (const r of regions) {
    const record = Object.values(urlState(emulator, accountId, r).urls).find((u) => u.urlId === urlId);
    if (record) return { accountId, region: r, record };
  }
  return undefined;
}

export const functionUrlRoute: ServiceRoute = {
  match: (req) => parseFunctionUrl(req) !== undefined,
  async handle(req, emulator) {
    const t0 = performance.now();
    const target = parseFunctionUrl(req)!;
    const found = find(emulator, target.urlId, target.region);
    const ctx = found && { emulator, accountId: found.accountId, region: found.region };
    const ref = found && parseFunctionName(ctx!, found.record.functionName, found.record.qualifier);
    if (!found || !ref || !urlConfigOf(ctx!, ref)) {
      return json(404, { Message: `awslings: no function URL with the id ${target.urlId} exists in the sandbox.` });
    }
    const res = await serve(emulator, req, target.path, found.accountId, found.region, found.record, target.urlId).catch((e: unknown) => {
      process.emitWarning(`awslings: function URL failed: ${e instanceof Error ? e.stack : String(e)}`);
      return json(500, { Message: 'Internal Server Error' });
    });
    recordRequest(emulator, {
      accountId: found.accountId,
      region: found.region,
      service: 'lambda',
      operation: `function-url ${req.method} ${target.path}`,
      status: res.status,
      principal: 'anonymous',
      t0,
    });
    return res;
  },
};

async function serve(emulator: Emulator, req: HttpRequest, path: string, accountId: string, region: string, url: FunctionUrlRecord, urlId: string): Promise<HttpResponse> {
  const cors = url.Cors;
  if (cors && req.method === 'OPTIONS' && req.headers.origin && req.headers['access-control-request-method']) return preflight(cors, req);
  const ctx = { emulator, accountId, region };
  const ref = parseFunctionName(ctx, url.functionName, url.qualifier);
  const fn = findFunction(ctx, ref);
  const resource = functionArn(region, accountId, url.functionName, url.qualifier);
  const policy = resourcePolicyFor(fn, url.qualifier);
  let authorizer: Record<string, unknown> | undefined;
  let callerAccount = 'anonymous';
  if (url.AuthType === 'NONE') {
    // Anyone may call only when the function's resource policy says so (AddPermission --principal "*" --function-url-auth-type NONE).
    const ev = policy
      ? await evaluate({
          principal: 'anonymous',
          action: 'lambda:InvokeFunctionUrl',
          resource,
          resourceAccount: accountId,
          policies: { identity: [] },
          resourcePolicy: policy,
          context: { 'lambda:FunctionUrlAuthType': 'NONE' },
        })
      : undefined;
    emulator.decisions.add({
      time: new Date(emulator.clock.now()).toISOString(),
      accountId,
      principal: '*',
      principalType: 'anonymous',
      service: 'lambda',
      operation: 'InvokeFunctionUrl',
      action: 'lambda:InvokeFunctionUrl',
      resource,
      result: ev?.result ?? 'ImplicitlyDenied',
      reason: ev?.reason ?? 'the function has no resource policy',
      statements: ev?.statements ?? [],
    });
    if (ev?.result !== 'Allowed') {
      emulator.options.log?.(`lambda function URL ${urlId}: 403, the resource policy of ${resource} does not allow lambda:InvokeFunctionUrl to "*" with lambda:FunctionUrlAuthType NONE`);
      return withCors(forbidden(), cors, req);
    }
  } else {
    const svc = await emulator.service('lambda');
    let auth;
    try {
      auth = parseSigV4(req);
    } catch {
      return withCors(forbidden(), cors, req);
    }
    if (!auth) return withCors(forbidden(), cors, req);
    try {
      const principal = await authenticate(emulator, req, auth, svc.def);
      await enforce(
        emulator,
        principal,
        [{ action: 'lambda:InvokeFunctionUrl', resource, resourceAccount: accountId, resourcePolicy: policy, context: { 'lambda:FunctionUrlAuthType': 'AWS_IAM' } }],
        { def: svc.def, operation: 'InvokeFunctionUrl', region, http: req },
      );
      callerAccount = principal.accountId;
      authorizer = {
        iam: {
          accessKey: principal.accessKeyId ?? null,
          accountId: principal.accountId,
          callerId: principal.userId,
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: principal.arn,
          userId: principal.userId,
        },
      };
    } catch (e) {
      if (isAwsError(e)) {
        emulator.options.log?.(`lambda function URL ${urlId}: 403, ${e.message}`);
        return withCors(forbidden(), cors, req);
      }
      throw e;
    }
  }
  const now = emulator.clock.now();
  const requestId = extendedRequestId();
  const facts: RequestFacts = {
    req,
    accountId: callerAccount,
    region,
    apiId: urlId,
    stage: '$default',
    path,
    fullPath: path,
    resourcePath: path,
    resourceId: urlId,
    requestId,
    extendedRequestId: requestId,
    deploymentId: '',
    time: now,
    domainName: `${urlId}.lambda-url.${region}.on.aws`,
    addedHeaders: [
      ['x-amzn-trace-id', traceId(now)],
      ['x-forwarded-for', sourceIpOf(req)],
      ['x-forwarded-port', String(req.port ?? 80)],
      ['x-forwarded-proto', 'http'],
    ],
    authorizer,
  };
  const event = eventV2(facts, '$default', urlId);
  const rc = event.requestContext as Record<string, unknown>;
  event.requestContext = { accountId: rc.accountId, apiId: rc.apiId, authentication: null, ...rc };
  event.pathParameters = null;
  event.stageVariables = null;
  let out;
  try {
    out = await invokeFunction(emulator, { accountId, region, functionName: url.functionName, qualifier: url.qualifier, payload: JSON.stringify(event) });
  } catch (e) {
    const code = isAwsError(e) ? e.code : 'ServiceException';
    emulator.options.log?.(`lambda function URL ${urlId}: invoking ${resource} failed: ${code}: ${(e as Error).message}`);
    return withCors(json(code === 'TooManyRequestsException' ? 429 : 502, { Message: code === 'TooManyRequestsException' ? 'Rate Exceeded.' : 'Internal Server Error' }), cors, req);
  }
  let res: HttpResponse;
  if (out.functionError) res = json(502, { Message: 'Internal Server Error' });
  else {
    const mapped = mapProxyResponseV2(out.payload, { functionUrl: true });
    res = mapped.ok ? mapped.response : json(502, { Message: 'Internal Server Error' });
  }
  res.headers['x-amzn-requestid'] = out.requestId;
  return withCors(res, cors, req);
}
