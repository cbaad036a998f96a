import type {
  FunctionConfiguration,
  ListVersionsByFunctionRequest,
  ListVersionsByFunctionResponse,
  PublishVersionRequest,
} from '@aws-sdk/client-lambda';
import { uuid } from '../../core/ids.js';
import { operation } from '../../core/service.js';
import {
  authorizeFunction,
  configurationOf,
  deepCopy,
  functionArn,
  invalidParameter,
  lambdaDate,
  paginate,
  parseFunctionName,
  preconditionFailed,
  requireFunction,
  settle,
  viewOf,
  type Ctx,
} from './common.js';
import type { FunctionRecord, VersionRecord } from './state.js';

/** What makes two versions the same function: code and configuration, not names, dates or revisions. */
function fingerprint(v: VersionRecord): string {
  const { Runtime, Role, Handler, Timeout, MemorySize, Environment, TracingConfig, DeadLetterConfig, KMSKeyArn, VpcConfig, Architectures, EphemeralStorage, LoggingConfig, CodeSha256 } = v;
  return JSON.stringify({ Runtime, Role, Handler, Timeout, MemorySize, Environment, TracingConfig, DeadLetterConfig, KMSKeyArn, VpcConfig, Architectures, EphemeralStorage, LoggingConfig, CodeSha256 });
}

/**
 * Publishes $LATEST as a new version, unless the newest version already has the same code and
 * configuration: then Lambda returns that version.
 */
export function publish(ctx: Ctx, fn: FunctionRecord, description?: string, opts: { pending?: boolean } = {}): VersionRecord {
  const latest = settle(ctx, fn.latest);
  const numbers = Object.keys(fn.versions).map(Number);
  const newest = numbers.length ? fn.versions[String(Math.max(...numbers))] : undefined;
  if (newest && fingerprint(newest) === fingerprint(latest)) return newest;
  const n = String(fn.nextVersion++);
  const { settlesAt: _s, ...copy } = deepCopy(latest);
  const v: VersionRecord = {
    ...copy,
    FunctionArn: functionArn(ctx.region, ctx.accountId, latest.FunctionName, n),
    Version: n,
    Description: description ?? latest.Description,
    LastModified: lambdaDate(ctx.emulator.clock.now()),
    RevisionId: uuid(),
    State: 'Active',
    LastUpdateStatus: 'Successful',
  };
  delete v.StateReason;
  delete v.StateReasonCode;
  if (opts.pending) {
    // Published together with new code: the version reads as being created until it settles.
    Object.assign(v, { State: 'Pending', StateReason: 'The function is being created.', StateReasonCode: 'Creating', settlesAt: ctx.emulator.clock.now() });
    delete v.LastUpdateStatus;
  }
  fn.versions[n] = v;
  latest.RevisionId = uuid();
  return v;
}

export const PublishVersion = operation<PublishVersionRequest, FunctionConfiguration>({
  authorize: authorizeFunction('lambda:PublishVersion'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = requireFunction(ctx, ref);
    const latest = settle(ctx, fn.latest);
    if (input.CodeSha256 !== undefined && input.CodeSha256 !== latest.CodeSha256) {
      throw invalidParameter(
        `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${latest.CodeSha256}). Please try again with the CodeSHA256 in $LATEST.`,
      );
    }
    if (input.RevisionId !== undefined && input.RevisionId !== latest.RevisionId) throw preconditionFailed();
    return viewOf(publish(ctx, fn, input.Description));
  },
});

export const ListVersionsByFunction = operation<ListVersionsByFunctionRequest, ListVersionsByFunctionResponse>({
  authorize: authorizeFunction('lambda:ListVersionsByFunction'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = requireFunction(ctx, ref);
    const all = [fn.latest, ...Object.keys(fn.versions).map(Number).sort((a, b) => a - b).map((n) => fn.versions[String(n)])];
    const { page, NextMarker } = paginate(all, input.Marker, input.MaxItems);
    return {
      Versions: page.map((v) => {
        const c = configurationOf(ctx, v);
        // $LATEST is listed by its qualified ARN here.
        return v.Version === '$LATEST' ? { ...c, FunctionArn: functionArn(ctx.region, ref.accountId, ref.name, '$LATEST') } : c;
      }),
      NextMarker,
    };
  },
});
