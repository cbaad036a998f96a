import type {
  DeleteFunctionRequest,
  DeleteFunctionResponse,
  FunctionConfiguration,
  GetFunctionConfigurationRequest,
  GetFunctionRequest,
  GetFunctionResponse,
  ListFunctionsRequest,
  ListFunctionsResponse,
} from '@aws-sdk/client-lambda';
import { operation } from '../../core/service.js';
import {
  authorizeFunction,
  configurationOf,
  conflict,
  functionArn,
  functionNotFound,
  invalidParameter,
  paginate,
  parseFunctionName,
  requireFunction,
  stateOf,
  validationError,
  versionOf,
  type Ctx,
  type FunctionRef,
} from './common.js';
import { runtimeOf } from './execution.js';
import { lambdaState, type FunctionRecord } from './state.js';

/** A version's configuration as GetFunction shows it: the ARN qualified as the caller named it. */
function configurationFor(ctx: Ctx, fn: FunctionRecord, ref: FunctionRef): FunctionConfiguration {
  const c = configurationOf(ctx, versionOf(fn, ref));
  return ref.qualifier ? { ...c, FunctionArn: functionArn(ref.region, ref.accountId, ref.name, ref.qualifier) } : c;
}

export const GetFunction = operation<GetFunctionRequest, GetFunctionResponse>({
  authorize: authorizeFunction('lambda:GetFunction'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
    const fn = requireFunction(ctx, ref);
    const configuration = configurationFor(ctx, fn, ref);
    const tags = fn.tags;
    return {
      Configuration: configuration,
      // The zip, from the sandbox itself: AWS hands out a presigned S3 URL here.
      Code: { RepositoryType: 'S3', Location: `${ctx.endpoint}/_awslings/lambda/code/${versionOf(fn, ref).code.sha256}.zip` },
      Tags: Object.keys(tags).length ? { ...tags } : undefined,
      Concurrency: fn.reservedConcurrency !== undefined ? { ReservedConcurrentExecutions: fn.reservedConcurrency } : undefined,
    };
  },
});

export const GetFunctionConfiguration = operation<GetFunctionConfigurationRequest, FunctionConfiguration>({
  authorize: authorizeFunction('lambda:GetFunctionConfiguration'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
    return configurationFor(ctx, requireFunction(ctx, ref), ref);
  },
});

export const ListFunctions = operation<ListFunctionsRequest, ListFunctionsResponse>({
  authorize: (_input, ctx) => ({ action: 'lambda:ListFunctions', resource: '*', resourceAccount: ctx.accountId }),
  handler(input, ctx) {
    if (input.FunctionVersion !== undefined && input.FunctionVersion !== 'ALL') {
      throw validationError(input.FunctionVersion, 'functionVersion', 'Member must satisfy enum value set: [ALL]');
    }
    const state = lambdaState(ctx);
    const configs: FunctionConfiguration[] = [];
    for (const name of Object.keys(state.functions).sort()) {
      const fn = state.functions[name];
      configs.push(configurationOf(ctx, fn.latest));
      if (input.FunctionVersion === 'ALL') {
        for (const n of Object.keys(fn.versions).map(Number).sort((a, b) => a - b)) configs.push(configurationOf(ctx, fn.versions[String(n)]));
      }
    }
    const { page, NextMarker } = paginate(configs, input.Marker, input.MaxItems);
    return { Functions: page, NextMarker };
  },
});

export const DeleteFunction = operation<DeleteFunctionRequest, DeleteFunctionResponse>({
  authorize: authorizeFunction('lambda:DeleteFunction'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
    const state = stateOf(ctx, ref);
    const fn = requireFunction(ctx, ref, undefined);
    const rt = runtimeOf(ctx.emulator);
    const functionKey = `${ref.accountId}/${ref.region}/${ref.name}`;
    if (ref.qualifier !== undefined) {
      const q = ref.qualifier;
      if (q === '$LATEST') throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
      if (!fn.versions[q]) {
        if (fn.aliases[q]) throw invalidParameter('Deletion of aliases is not supported by this operation; use DeleteAlias.');
        throw functionNotFound(functionArn(ref.region, ref.accountId, ref.name));
      }
      const users = Object.values(fn.aliases).filter((a) => a.FunctionVersion === q || a.RoutingConfig?.AdditionalVersionWeights?.[q] !== undefined);
      if (users.length) throw conflict(`Unable to delete version because the following aliases reference it: [${users.map((a) => a.Name).join(', ')}]`);
      delete fn.versions[q];
      delete fn.eventInvokeConfigs[q];
      delete fn.policies[q];
      if (fn.provisioned[q]) {
        delete fn.provisioned[q];
        void rt.manager.provision(`${functionKey}:${q}`, undefined, 0);
      }
      return { StatusCode: 204 };
    }
    delete state.functions[ref.name];
    // Its environments end, and events still queued for it are dropped, as on AWS.
    rt.manager.retire({ functionKey });
    for (const q of Object.keys(fn.provisioned)) void rt.manager.provision(`${functionKey}:${q}`, undefined, 0);
    state.asyncQueue = state.asyncQueue.filter((e) => e.functionName !== ref.name);
    return { StatusCode: 204 };
  },
});
