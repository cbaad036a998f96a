import type { FunctionConfiguration, UpdateFunctionCodeRequest, UpdateFunctionConfigurationRequest } from '@aws-sdk/client-lambda';
import { uuid } from '../../core/ids.js';
import { operation } from '../../core/service.js';
import { storeCode } from './code.js';
import { authorizeFunction, codeSha256, conflict, lambdaDate, parseFunctionName, preconditionFailed, requireFunction, settle, viewOf, type Ctx } from './common.js';
import { checkDeadLetter, checkEnvironment, checkRoleArn, checkRuntime, checkSizes, checkUnsupported } from './config.js';
import { runtimeVersionArn } from './createFunction.js';
import { runtimeOf } from './execution.js';
import { checkExecutionRole } from './roles.js';
import { checkEniPermissions, validateVpcConfig } from '../ec2/lambdaVpc.js';
import type { FunctionRecord, VersionRecord } from './state.js';
import { publish } from './versions.js';

/** $LATEST is about to change: no concurrent update, the caller's revision must match. */
function beginUpdate(ctx: Ctx, fn: FunctionRecord, revisionId: string | undefined): VersionRecord {
  const latest = settle(ctx, fn.latest);
  if (latest.LastUpdateStatus === 'InProgress') {
    throw conflict(`The operation cannot be performed at this time. An update is in progress for resource: ${latest.FunctionArn}`);
  }
  if (revisionId !== undefined && revisionId !== latest.RevisionId) throw preconditionFailed();
  return latest;
}

/** The update is accepted: $LATEST reads InProgress until it settles, and its environments are retired. */
function endUpdate(ctx: Ctx, latest: VersionRecord, accountId: string): void {
  const now = ctx.emulator.clock.now();
  Object.assign(latest, {
    LastModified: lambdaDate(now),
    RevisionId: uuid(),
    LastUpdateStatus: 'InProgress',
    LastUpdateStatusReason: 'The function is being created.',
    LastUpdateStatusReasonCode: 'Creating',
    settlesAt: now,
  });
  runtimeOf(ctx.emulator).manager.retire({ functionKey: `${accountId}/${ctx.region}/${latest.FunctionName}`, version: '$LATEST' });
}

export const UpdateFunctionCode = operation<UpdateFunctionCodeRequest, FunctionConfiguration>({
  authorize: authorizeFunction('lambda:UpdateFunctionCode'),
  async handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = requireFunction(ctx, ref);
    beginUpdate(ctx, fn, input.RevisionId);
    checkSizes(input);
    const code = await storeCode(ctx, input);
    if (input.DryRun) return { ...viewOf(fn.latest), CodeSha256: codeSha256(code.sha256), CodeSize: code.zipSize };
    const latest = beginUpdate(ctx, fn, input.RevisionId);
    latest.code = code;
    latest.CodeSha256 = codeSha256(code.sha256);
    latest.CodeSize = code.zipSize;
    if (input.Architectures?.length) latest.Architectures = input.Architectures;
    endUpdate(ctx, latest, ref.accountId);
    if (input.Publish) {
      const view = viewOf(publish(ctx, fn, undefined, { pending: true }));
      return view;
    }
    return viewOf(latest);
  },
});

export const UpdateFunctionConfiguration = operation<UpdateFunctionConfigurationRequest, FunctionConfiguration>({
  authorize: (input, ctx) => {
    const base = authorizeFunction('lambda:UpdateFunctionConfiguration')(input, ctx);
    return input.Role ? [base, { action: 'iam:PassRole', resource: input.Role, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } }] : base;
  },
  async handler(input, ctx) {
    checkRoleArn(input.Role);
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = requireFunction(ctx, ref);
    beginUpdate(ctx, fn, input.RevisionId);
    checkRuntime(input.Runtime);
    checkSizes(input);
    checkEnvironment(input.Environment);
    checkUnsupported(input);
    if (input.Role) await checkExecutionRole(ctx.emulator, input.Role);
    const vpc = input.VpcConfig ? await validateVpcConfig(ctx.emulator, ref.accountId, ctx.region, input.VpcConfig) : undefined;
    if (vpc?.VpcId) await checkEniPermissions(ctx.emulator, input.Role ?? fn.latest.Role!);
    if (input.DeadLetterConfig?.TargetArn) await checkDeadLetter(ctx.emulator, input.DeadLetterConfig, input.Role ?? fn.latest.Role, ctx.region);
    const latest = beginUpdate(ctx, fn, input.RevisionId);
    if (input.Role !== undefined) latest.Role = input.Role;
    if (input.Handler !== undefined) latest.Handler = input.Handler;
    if (input.Description !== undefined) latest.Description = input.Description;
    if (input.Timeout !== undefined) latest.Timeout = input.Timeout;
    if (input.MemorySize !== undefined) latest.MemorySize = input.MemorySize;
    if (input.Runtime !== undefined) {
      latest.Runtime = input.Runtime;
      latest.RuntimeVersionConfig = { RuntimeVersionArn: runtimeVersionArn(ctx, input.Runtime) };
    }
    if (input.Environment !== undefined) latest.Environment = { Variables: input.Environment.Variables ?? {} };
    if (input.TracingConfig?.Mode) latest.TracingConfig = { Mode: input.TracingConfig.Mode };
    if (input.EphemeralStorage?.Size !== undefined) latest.EphemeralStorage = { Size: input.EphemeralStorage.Size };
    if (input.KMSKeyArn !== undefined) {
      if (input.KMSKeyArn) latest.KMSKeyArn = input.KMSKeyArn;
      else delete latest.KMSKeyArn;
    }
    if (input.DeadLetterConfig !== undefined) {
      // An empty TargetArn removes the DLQ.
      if (input.DeadLetterConfig.TargetArn) latest.DeadLetterConfig = { TargetArn: input.DeadLetterConfig.TargetArn };
      else delete latest.DeadLetterConfig;
    }
    if (input.LoggingConfig) {
      latest.LoggingConfig = {
        LogFormat: input.LoggingConfig.LogFormat ?? latest.LoggingConfig?.LogFormat ?? 'Text',
        LogGroup: input.LoggingConfig.LogGroup ?? latest.LoggingConfig?.LogGroup ?? `/aws/lambda/${latest.FunctionName}`,
      };
    }
    if (vpc) {
      if (vpc.VpcId) latest.VpcConfig = vpc;
      else delete latest.VpcConfig;
    }
    endUpdate(ctx, latest, ref.accountId);
    runtimeOf(ctx.emulator).manager.prewarm(latest.MemorySize);
    return viewOf(latest);
  },
});
