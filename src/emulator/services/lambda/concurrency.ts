import type {
  Concurrency,
  DeleteFunctionConcurrencyRequest,
  GetAccountSettingsRequest,
  GetAccountSettingsResponse,
  GetFunctionConcurrencyRequest,
  GetFunctionConcurrencyResponse,
  PutFunctionConcurrencyRequest,
} from '@aws-sdk/client-lambda';
import { operation } from '../../core/service.js';
import { authorizeFunction, invalidParameter, parseFunctionName, requireFunction, validationError } from './common.js';
import { lambdaState, type LambdaState } from './state.js';

/** Lambda's default regional concurrency quota, and the part of it reserved functions may never take. */
export const ACCOUNT_CONCURRENCY = 1000;
const MIN_UNRESERVED = 100;

const reservedSum = (state: LambdaState, except?: string) =>
  Object.entries(state.functions).reduce((n, [name, fn]) => n + (name !== except ? (fn.reservedConcurrency ?? 0) : 0), 0);

export const unreservedConcurrency = (state: LambdaState) => ACCOUNT_CONCURRENCY - reservedSum(state);

export const PutFunctionConcurrency = operation<PutFunctionConcurrencyRequest, Concurrency>({
  authorize: authorizeFunction('lambda:PutFunctionConcurrency'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = requireFunction(ctx, ref, '$LATEST');
    const n = input.ReservedConcurrentExecutions!;
    if (n < 0) throw validationError(String(n), 'reservedConcurrentExecutions', 'Member must have value greater than or equal to 0');
    const state = lambdaState(ctx);
    if (ACCOUNT_CONCURRENCY - reservedSum(state, ref.name) - n < MIN_UNRESERVED) {
      throw invalidParameter(
        `Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [${MIN_UNRESERVED}].`,
      );
    }
    const provisioned = Object.values(fn.provisioned).reduce((s, p) => s + p.Requested, 0);
    if (n < provisioned) {
      throw invalidParameter(` ReservedConcurrentExecutions  ${n} should not be lower than function's total provisioned concurrency [${provisioned}].`);
    }
    fn.reservedConcurrency = n;
    return { ReservedConcurrentExecutions: n };
  },
});

export const GetFunctionConcurrency = operation<GetFunctionConcurrencyRequest, GetFunctionConcurrencyResponse>({
  authorize: authorizeFunction('lambda:GetFunctionConcurrency'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = requireFunction(ctx, ref);
    return fn.reservedConcurrency === undefined ? {} : { ReservedConcurrentExecutions: fn.reservedConcurrency };
  },
});

export const DeleteFunctionConcurrency = operation<DeleteFunctionConcurrencyRequest, void>({
  authorize: authorizeFunction('lambda:DeleteFunctionConcurrency'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    delete requireFunction(ctx, ref).reservedConcurrency;
  },
});

export const GetAccountSettings = operation<GetAccountSettingsRequest, GetAccountSettingsResponse>({
  authorize: (_input, ctx) => ({ action: 'lambda:GetAccountSettings', resource: '*', resourceAccount: ctx.accountId }),
  handler(_input, ctx) {
    const state = lambdaState(ctx);
    let total = 0;
    for (const fn of Object.values(state.functions)) {
      total += fn.latest.CodeSize;
      for (const v of Object.values(fn.versions)) total += v.CodeSize;
    }
    return {
      AccountLimit: {
        TotalCodeSize: 80_530_636_800,
        CodeSizeUnzipped: 262_144_000,
        CodeSizeZipped: 52_428_800,
        ConcurrentExecutions: ACCOUNT_CONCURRENCY,
        UnreservedConcurrentExecutions: unreservedConcurrency(state),
      },
      AccountUsage: { TotalCodeSize: total, FunctionCount: Object.keys(state.functions).length },
    };
  },
});
