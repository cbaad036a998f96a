import { isAwsError } from '../../../core/errors.js';
import type { Emulator } from '../../../emulator.js';
import { invokeFunction } from '../../lambda/index.js';

const FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([A-Za-z0-9_-]+)(?::([A-Za-z0-9_$-]+))?$/;

export type LambdaOutcome =
  | { kind: 'ok'; payload: Buffer; functionError?: string; requestId: string }
  /** The function's resource policy does not let the service invoke it. */
  | { kind: 'denied'; message: string }
  | { kind: 'timeout' }
  /** Anything else that kept the invocation from happening (no such function, throttled...). */
  | { kind: 'failed'; code: string; message: string };

export interface LambdaCall {
  /** A function ARN (possibly qualified), with stage variables already substituted. */
  functionArn: string;
  /** The account and region of the API or distribution that invokes. */
  callerAccountId: string;
  callerRegion: string;
  payload: string;
  /** The service principal the resource policy must allow: `apigateway.amazonaws.com`... */
  principal?: string;
  /** aws:SourceArn for the resource-policy check (an execute-api ARN). */
  sourceArn?: string;
  /** The integration's timeout (API Gateway: 29 s for REST APIs, 30 s for HTTP APIs). */
  timeoutMs: number;
  /** Who invokes, for the sandbox's log: `apigateway <apiId>`... */
  caller: string;
}

/**
 * Invokes a function for a front door: checks the function's resource policy for the service
 * principal (as AWS does), runs it through the Lambda service's execution environments, and gives
 * up after the integration timeout (the function itself keeps running, as on AWS).
 */
export async function callLambda(emulator: Emulator, call: LambdaCall): Promise<LambdaOutcome> {
  const m = FUNCTION_ARN.exec(call.functionArn);
  const region = m?.[1] ?? call.callerRegion;
  const accountId = m?.[2] ?? call.callerAccountId;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<LambdaOutcome>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), call.timeoutMs);
  });
  const run = (async (): Promise<LambdaOutcome> => {
    try {
      const r = await invokeFunction(emulator, {
        accountId,
        region,
        functionName: m ? `arn:aws:lambda:${region}:${accountId}:function:${m[3]}` : call.functionArn,
        qualifier: m?.[4],
        payload: call.payload,
        principal: call.principal,
        sourceArn: call.sourceArn,
        sourceAccount: call.principal ? call.callerAccountId : undefined,
      });
      return { kind: 'ok', payload: r.payload, functionError: r.functionError, requestId: r.requestId };
    } catch (e) {
      if (isAwsError(e) && e.code === 'AccessDeniedException') {
        emulator.options.log?.(`${call.caller}: Lambda refused the invocation of ${call.functionArn}: ${e.message} (add it with lambda add-permission)`);
        return { kind: 'denied', message: e.message };
      }
      const code = isAwsError(e) ? e.code : 'ServiceException';
      const message = e instanceof Error ? e.message : String(e);
      emulator.options.log?.(`${call.caller}: invoking ${call.functionArn} failed: ${code}: ${message}`);
      return { kind: 'failed', code, message };
    }
  })();
  try {
    const out = await Promise.race([run, timeout]);
    if (out.kind === 'timeout') emulator.options.log?.(`${call.caller}: ${call.functionArn} did not answer within ${call.timeoutMs} ms (the integration timeout)`);
    return out;
  } finally {
    clearTimeout(timer);
  }
}

/** Replaces `${stageVariables.name}` in an integration URI (or any template string). */
export function withStageVariables(text: string, vars: Record<string, string> | undefined): string {
  return text.replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_, k: string) => vars?.[k] ?? '');
}
