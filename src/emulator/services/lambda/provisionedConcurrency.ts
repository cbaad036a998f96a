import type {
  DeleteProvisionedConcurrencyConfigRequest,
  GetProvisionedConcurrencyConfigRequest,
  GetProvisionedConcurrencyConfigResponse,
  ListProvisionedConcurrencyConfigsRequest,
  ListProvisionedConcurrencyConfigsResponse,
  PutProvisionedConcurrencyConfigRequest,
  PutProvisionedConcurrencyConfigResponse,
} from '@aws-sdk/client-lambda';
import { AwsError } from '../../core/errors.js';
import { operation } from '../../core/service.js';
import {
  authorizeFunction,
  conflict,
  functionArn,
  functionNotFound,
  invalidParameter,
  isVersionNumber,
  lambdaDate,
  notFound,
  paginate,
  parseFunctionName,
  requireFunction,
  stateOf,
  validationError,
  type Ctx,
  type FunctionRef,
} from './common.js';
import { unreservedConcurrency } from './concurrency.js';
import { runtimeOf, specOf } from './execution.js';
import { lambdaState, type FunctionRecord, type ProvisionedRecord } from './state.js';
import type { Emulator } from '../../emulator.js';

const notFoundConfig = () => new AwsError('ProvisionedConcurrencyConfigNotFoundException', 'No Provisioned Concurrency Config found for this function');

/** The version a provisioned-concurrency qualifier stands for, with Lambda's errors for the others. */
function targetVersion(fn: FunctionRecord | undefined, ref: FunctionRef, q: string): string {
  if (q === '$LATEST') throw invalidParameter('The function resource provided must be an alias or a published version.');
  if (isVersionNumber(q)) {
    if (!fn?.versions[q]) throw functionNotFound(functionArn(ref.region, ref.accountId, ref.name, q));
    return q;
  }
  const alias = fn?.aliases[q];
  if (!alias) throw notFound(`Cannot find alias arn: ${functionArn(ref.region, ref.accountId, ref.name, q)}`);
  return alias.FunctionVersion;
}

function view(p: ProvisionedRecord): GetProvisionedConcurrencyConfigResponse {
  const ready = p.Status === 'READY' ? p.Requested : 0;
  return {
    RequestedProvisionedConcurrentExecutions: p.Requested,
    AllocatedProvisionedConcurrentExecutions: ready,
    AvailableProvisionedConcurrentExecutions: ready,
    Status: p.Status,
    StatusReason: p.StatusReason,
    LastModified: p.LastModified,
  };
}

/**
 * Starts (or stops) the pre-initialised environments of a provisioned-concurrency configuration,
 * for the version its qualifier points at now; the status turns READY when all are initialised.
 */
export function reconcileProvisioned(ctx: Ctx, ref: FunctionRef, fn: FunctionRecord, qualifier: string): void {
  const { emulator } = ctx;
  const tag = `${ref.accountId}/${ref.region}/${ref.name}:${qualifier}`;
  const rec = fn.provisioned[qualifier];
  const manager = runtimeOf(emulator).manager;
  if (!rec) {
    void manager.provision(tag, undefined, 0);
    return;
  }
  const version = isVersionNumber(qualifier) ? qualifier : fn.aliases[qualifier]?.FunctionVersion;
  const v = version ? fn.versions[version] : undefined;
  if (!v) return;
  rec.Status = 'IN_PROGRESS';
  delete rec.StatusReason;
  const started = rec;
  void manager.provision(tag, specOf(emulator, ref.accountId, ref.region, v), rec.Requested).then((r) => {
    if (fn.provisioned[qualifier] !== started) return; // replaced or deleted meanwhile
    started.Status = r.ok ? 'READY' : 'FAILED';
    if (!r.ok) started.StatusReason = `FUNCTION_ERROR_INIT_FAILURE: ${r.error ?? 'the function failed to initialize'}`;
    started.LastModified = lambdaDate(emulator.clock.now());
    emulator.store.markDirty('lambda', ref.accountId, ref.region);
    emulator.persistSoon();
  });
}

/**
 * Environments do not outlive the emulator's process: when the service starts, every configuration
 * kept in the state is initialised again, IN_PROGRESS until its environments are ready.
 */
export function resumeProvisioned(emulator: Emulator): void {
  for (const accountId of emulator.store.accounts()) {
    for (const region of emulator.store.regions('lambda', accountId)) {
      const ctx = { emulator, accountId, region };
      for (const [name, fn] of Object.entries(lambdaState(ctx).functions)) {
        for (const q of Object.keys(fn.provisioned)) reconcileProvisioned(ctx, { accountId, region, name, qualifier: q, crossAccount: false }, fn, q);
      }
    }
  }
}

export const PutProvisionedConcurrencyConfig = operation<PutProvisionedConcurrencyConfigRequest, PutProvisionedConcurrencyConfigResponse>({
  authorize: authorizeFunction('lambda:PutProvisionedConcurrencyConfig'),
  handler(input, ctx) {
    const n = input.ProvisionedConcurrentExecutions!;
    if (n < 1) throw validationError(String(n), 'provisionedConcurrentExecutions', 'Member must have value greater than or equal to 1');
    const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
    const q = ref.qualifier!;
    if (q === '$LATEST') throw invalidParameter('Provisioned Concurrency Configs cannot be applied to unpublished function versions.');
    const fn = stateOf(ctx, ref).functions[ref.name];
    const version = targetVersion(fn, ref, q);
    const others = Object.entries(fn!.provisioned).filter(([k]) => k !== q);
    if (!isVersionNumber(q) && others.some(([k]) => k === version)) {
      throw conflict("Alias can't be used for Provisioned Concurrency configuration on an already Provisioned version");
    }
    if (isVersionNumber(q) && others.some(([k]) => !isVersionNumber(k) && fn!.aliases[k]?.FunctionVersion === q)) {
      throw conflict('Version is pointed by a Provisioned Concurrency alias');
    }
    const otherTotal = others.reduce((s, [, p]) => s + p.Requested, 0);
    if (fn!.reservedConcurrency !== undefined) {
      if (otherTotal + n > fn!.reservedConcurrency) throw invalidParameter('Requested Provisioned Concurrency should not be greater than the reservedConcurrentExecution for function');
    } else {
      const unreserved = unreservedConcurrency(stateOf(ctx, ref));
      if (otherTotal + n > unreserved) {
        throw invalidParameter(`Specified ConcurrentExecutions for function is greater than account's unreserved concurrency [${unreserved}].`);
      }
      if (unreserved - otherTotal - n < 100) {
        throw invalidParameter("Specified ConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [100].");
      }
    }
    const rec: ProvisionedRecord = { Requested: n, Status: 'IN_PROGRESS', LastModified: lambdaDate(ctx.emulator.clock.now()) };
    fn!.provisioned[q] = rec;
    const response = view(rec);
    reconcileProvisioned(ctx, ref, fn!, q);
    return response;
  },
});

export const GetProvisionedConcurrencyConfig = operation<GetProvisionedConcurrencyConfigRequest, GetProvisionedConcurrencyConfigResponse>({
  authorize: authorizeFunction('lambda:GetProvisionedConcurrencyConfig'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
    const fn = stateOf(ctx, ref).functions[ref.name];
    targetVersion(fn, ref, ref.qualifier!);
    const rec = fn!.provisioned[ref.qualifier!];
    if (!rec) throw notFoundConfig();
    return view(rec);
  },
});

export const ListProvisionedConcurrencyConfigs = operation<ListProvisionedConcurrencyConfigsRequest, ListProvisionedConcurrencyConfigsResponse>({
  authorize: authorizeFunction('lambda:ListProvisionedConcurrencyConfigs'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = requireFunction(ctx, ref);
    const all = Object.entries(fn.provisioned).sort(([a], [b]) => a.localeCompare(b));
    const { page, NextMarker } = paginate(all, input.Marker, input.MaxItems, 50);
    return {
      ProvisionedConcurrencyConfigs: page.map(([q, p]) => ({ FunctionArn: functionArn(ref.region, ref.accountId, ref.name, q), ...view(p) })),
      NextMarker,
    };
  },
});

export const DeleteProvisionedConcurrencyConfig = operation<DeleteProvisionedConcurrencyConfigRequest, void>({
  authorize: authorizeFunction('lambda:DeleteProvisionedConcurrencyConfig'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
    const fn = stateOf(ctx, ref).functions[ref.name];
    if (!fn && isVersionNumber(ref.qualifier!)) throw functionNotFound(functionArn(ref.region, ref.accountId, ref.name, ref.qualifier));
    targetVersion(fn, ref, ref.qualifier!);
    if (!fn!.provisioned[ref.qualifier!]) throw notFoundConfig();
    delete fn!.provisioned[ref.qualifier!];
    reconcileProvisioned(ctx, ref, fn!, ref.qualifier!);
  },
});
