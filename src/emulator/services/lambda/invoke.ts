import type { InvocationRequest, InvocationResponse, InvokeAsyncRequest, InvokeAsyncResponse } from '@aws-sdk/client-lambda';
import { isEnforced } from '../../auth/principal.js';
import { AwsError } from '../../core/errors.js';
import { requestId as newRequestId } from '../../core/ids.js';
import { operation, type RequestContext } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import { asyncQueueOf, newEvent } from './async.js';
import { findFunction, functionArn, parseFunctionName, resourcePolicyFor, validationError, type Ctx } from './common.js';
import { execute, resolveTarget } from './execution.js';
import { checkInvokePermission } from './permissions.js';
import { ThrottledError } from './runtime/manager.js';

const SYNC_LIMIT = 6 * 1024 * 1024;
const ASYNC_LIMIT = 1024 * 1024;
/** Lambda's limit on a synchronous response, as its error message states it. */
const RESPONSE_LIMIT = 6_291_556;

export type InvocationType = 'RequestResponse' | 'Event' | 'DryRun';

export interface InvokeFunctionRequest {
  accountId: string;
  region: string;
  /** A name, `name:qualifier`, or an ARN. */
  functionName: string;
  qualifier?: string;
  /** The event: JSON text or bytes. Empty means `{}`. */
  payload?: Uint8Array | string;
  invocationType?: InvocationType;
  /** Return the last 4 KB of the invocation's log, base64 (LogType=Tail). */
  logType?: 'None' | 'Tail';
  /** The ClientContext header: base64 of a JSON object. */
  clientContext?: string;
  /** context.identity (Cognito identity of a mobile SDK caller). */
  identity?: unknown;
  /**
   * The AWS service invoking (`apigateway.amazonaws.com`...). When given, the function's resource
   * policy must allow it (with `sourceArn` and `sourceAccount` as aws:SourceArn and aws:SourceAccount),
   * as for AWS's triggers; a denial throws AccessDeniedException.
   */
  principal?: string;
  sourceArn?: string;
  sourceAccount?: string;
  /** The request id the function sees; a new one when left out. */
  requestId?: string;
}

export interface InvokeFunctionResult {
  /** 200 (RequestResponse), 202 (Event) or 204 (DryRun). */
  statusCode: number;
  /** The function's result or AWS's error JSON; empty for Event and DryRun. */
  payload: Buffer;
  /** 'Unhandled' when the function failed (the X-Amz-Function-Error header). */
  functionError?: string;
  logResult?: string;
  executedVersion?: string;
  requestId: string;
}

/**
 * Invokes a function from inside the emulator: API Gateway integrations, function URLs, CloudFront
 * Lambda@Edge, Cognito triggers, S3/SNS/EventBridge notifications. Same semantics as the Invoke
 * API: the same environments (warm reuse, cold starts), reserved-concurrency throttling
 * (TooManyRequestsException), payload limits and errors (thrown as AwsError with Lambda's codes).
 * Pass `principal` for a service trigger, so the function's resource policy is checked as AWS does.
 */
export async function invokeFunction(emulator: Emulator, req: InvokeFunctionRequest): Promise<InvokeFunctionResult> {
  await emulator.service('lambda');
  if (req.principal) {
    await checkInvokePermission(emulator, {
      accountId: req.accountId,
      region: req.region,
      functionName: req.functionName,
      qualifier: req.qualifier,
      principal: req.principal,
      sourceArn: req.sourceArn,
      sourceAccount: req.sourceAccount,
    });
  }
  const payload = typeof req.payload === 'string' ? Buffer.from(req.payload) : (req.payload ?? new Uint8Array());
  const requestId = req.requestId ?? newRequestId();
  const out = await invoke({ emulator, accountId: req.accountId, region: req.region }, requestId, {
    FunctionName: req.functionName,
    Qualifier: req.qualifier,
    Payload: payload,
    InvocationType: req.invocationType,
    LogType: req.logType,
    ClientContext: req.clientContext,
  }, req.identity);
  return {
    statusCode: out.StatusCode!,
    payload: Buffer.from(out.Payload ?? new Uint8Array()),
    functionError: out.FunctionError,
    logResult: out.LogResult,
    executedVersion: out.ExecutedVersion,
    requestId,
  };
}

/** What Invoke asks IAM: lambda:InvokeFunction on the function (qualified as named), with its resource policy. */
function authorizeInvoke(input: { FunctionName?: string; Qualifier?: string }, ctx: RequestContext) {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  const q = ref.qualifier && ref.qualifier !== '$LATEST' ? ref.qualifier : undefined;
  return {
    action: 'lambda:InvokeFunction',
    resource: functionArn(ref.region, ref.accountId, ref.name, q),
    resourceAccount: ref.accountId,
    resourcePolicy: isEnforced(ctx.principal) ? resourcePolicyFor(findFunction(ctx, ref), ref.qualifier) : undefined,
  };
}

export const Invoke = operation<InvocationRequest, InvocationResponse>({
  // Invocations change no configuration: only queued async events are saved, in the background.
  readonly: true,
  authorize: authorizeInvoke,
  handler: (input, ctx) => invoke(ctx, ctx.requestId, input),
});

/** The deprecated InvokeAsync API: an Event invocation. */
export const InvokeAsync = operation<InvokeAsyncRequest, InvokeAsyncResponse>({
  readonly: true,
  authorize: authorizeInvoke,
  async handler(input, ctx) {
    const body = input.InvokeArgs as unknown;
    const payload = body instanceof Uint8Array ? body : Buffer.from(typeof body === 'string' ? body : '');
    await invoke(ctx, ctx.requestId, { FunctionName: input.FunctionName, Payload: payload, InvocationType: 'Event' });
    return { Status: 202 };
  },
});

async function invoke(ctx: Ctx, requestId: string, input: InvocationRequest, identity?: unknown): Promise<InvocationResponse> {
  const type = input.InvocationType ?? 'RequestResponse';
  if (type !== 'RequestResponse' && type !== 'Event' && type !== 'DryRun') {
    throw validationError(type, 'invocationType', 'Member must satisfy enum value set: [Event, RequestResponse, DryRun]');
  }
  if (input.LogType !== undefined && input.LogType !== 'None' && input.LogType !== 'Tail') {
    throw validationError(input.LogType, 'logType', 'Member must satisfy enum value set: [None, Tail]');
  }
  const payload = input.Payload ?? new Uint8Array();
  const target = resolveTarget(ctx, input.FunctionName, input.Qualifier);
  if (type === 'DryRun') return { StatusCode: 204 };

  if (type === 'Event') {
    if (payload.byteLength > ASYNC_LIMIT) {
      throw new AwsError('RequestEntityTooLargeException', `${payload.byteLength} byte payload is too large for the Event invocation type (limit ${ASYNC_LIMIT} bytes)`, 413);
    }
    const text = Buffer.from(payload).toString('utf8');
    // The event is checked before it is accepted; the queue keeps it as text.
    parsePayload(text);
    asyncQueueOf(ctx.emulator).enqueue(target.ref.accountId, target.ref.region, newEvent(target.ref.name, target.ref.qualifier, text || '{}', ctx.emulator.clock.now(), requestId));
    return { StatusCode: 202, Payload: new Uint8Array() };
  }

  if (payload.byteLength > SYNC_LIMIT) {
    throw new AwsError('RequestEntityTooLargeException', `Request must be smaller than ${SYNC_LIMIT} bytes for the InvokeFunction operation`, 413);
  }
  let result;
  try {
    result = await execute(ctx.emulator, target, {
      requestId,
      payload,
      invocationType: 'RequestResponse',
      tail: input.LogType === 'Tail',
      clientContext: clientContextOf(input.ClientContext),
      identity,
    });
  } catch (e) {
    if (e instanceof ThrottledError) {
      throw new AwsError('TooManyRequestsException', 'Rate Exceeded.', 429, { fields: { Reason: e.reason } });
    }
    throw e;
  }
  if (result.badPayload !== undefined) throw invalidJson(result.badPayload);
  let out = result.payload;
  let failed = result.kind === 'error';
  if (out.length > RESPONSE_LIMIT) {
    out = Buffer.from(JSON.stringify({ errorMessage: `Response payload size exceeded maximum allowed payload size (${RESPONSE_LIMIT} bytes).`, errorType: 'Function.ResponseSizeTooLarge' }));
    failed = true;
  }
  return {
    StatusCode: 200,
    FunctionError: failed ? 'Unhandled' : undefined,
    LogResult: result.logTail,
    Payload: out,
    ExecutedVersion: target.version.Version,
  };
}

const invalidJson = (detail: string) =>
  new AwsError('InvalidRequestContentException', `Could not parse request body into json: Could not parse payload into json: ${detail}`);

function parsePayload(text: string): void {
  if (!text) return;
  try {
    JSON.parse(text);
  } catch (e) {
    throw invalidJson((e as Error).message);
  }
}

function clientContextOf(raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed;
  } catch {
    /* reported below */
  }
  throw new AwsError('InvalidRequestContentException', 'Client context must be a valid Base64-encoded JSON object.');
}
