import type {
  DeleteFunctionEventInvokeConfigRequest,
  DestinationConfig,
  FunctionEventInvokeConfig,
  GetFunctionEventInvokeConfigRequest,
  ListFunctionEventInvokeConfigsRequest,
  ListFunctionEventInvokeConfigsResponse,
  PutFunctionEventInvokeConfigRequest,
  UpdateFunctionEventInvokeConfigRequest,
} from '@aws-sdk/client-lambda';
import { operation } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import { authorizeFunction, findFunction, functionArn, invalidParameter, isVersionNumber, notFound, paginate, parseFunctionName, validationError, type Ctx, type FunctionRef } from './common.js';
import { roleAllows } from './roles.js';
import type { EventInvokeConfigRecord, FunctionRecord } from './state.js';

const DESTINATION = /^($|kafka:\/\/([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*))$/;
const DESTINATION_PATTERN =
  '$|kafka://([^.]([a-zA-Z0-9\\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)';

/** What the execution role must be allowed to do to send a record to a destination. */
export const DESTINATION_ACTIONS: Record<string, [string, string]> = {
  sqs: ['sqs:SendMessage', 'SendMessage'],
  sns: ['sns:Publish', 'Publish'],
  lambda: ['lambda:InvokeFunction', 'InvokeFunction'],
  events: ['events:PutEvents', 'PutEvents'],
};

const doesNotExist = () => notFound("The function doesn't exist.");
const noConfig = (ref: FunctionRef) => notFound(`The function ${functionArn(ref.region, ref.accountId, ref.name, ref.qualifier ?? '$LATEST')} doesn't have an EventInvokeConfig`);

/** The function and the qualifier the configuration belongs to ($LATEST, a version or an alias). */
function target(ctx: Ctx, input: { FunctionName?: string; Qualifier?: string }): { ref: FunctionRef; fn?: FunctionRecord; key: string; exists: boolean } {
  const ref = parseFunctionName(ctx, input.FunctionName, input.Qualifier);
  const fn = findFunction(ctx, ref);
  const key = ref.qualifier ?? '$LATEST';
  const exists = !!fn && (key === '$LATEST' || (isVersionNumber(key) ? !!fn.versions[key] : !!fn.aliases[key]));
  return { ref, fn, key, exists };
}

function toConfig(ref: FunctionRef, key: string, c: EventInvokeConfigRecord): FunctionEventInvokeConfig {
  return {
    LastModified: new Date(c.LastModified),
    FunctionArn: functionArn(ref.region, ref.accountId, ref.name, key),
    MaximumRetryAttempts: c.MaximumRetryAttempts,
    MaximumEventAgeInSeconds: c.MaximumEventAgeInSeconds,
    DestinationConfig: {
      OnSuccess: c.DestinationConfig.OnSuccess?.Destination ? { Destination: c.DestinationConfig.OnSuccess.Destination } : {},
      OnFailure: c.DestinationConfig.OnFailure?.Destination ? { Destination: c.DestinationConfig.OnFailure.Destination } : {},
    },
  };
}

function checkLimits(input: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number }): void {
  const r = input.MaximumRetryAttempts;
  if (r !== undefined && (r < 0 || r > 2)) {
    throw validationError(String(r), 'maximumRetryAttempts', `Member must have value ${r < 0 ? 'greater than or equal to 0' : 'less than or equal to 2'}`);
  }
  const a = input.MaximumEventAgeInSeconds;
  if (a !== undefined && (a < 60 || a > 21600)) {
    throw validationError(String(a), 'maximumEventAgeInSeconds', `Member must have value ${a < 60 ? 'greater than or equal to 60' : 'less than or equal to 21600'}`);
  }
}

/** Destinations: a queue, topic, bus or function that exists, and that the execution role may send to. */
async function checkDestinations(emulator: Emulator, ctx: Ctx, ref: FunctionRef, fn: FunctionRecord, d: DestinationConfig | undefined): Promise<void> {
  if (!d) return;
  for (const [member, dest] of [['onSuccess', d.OnSuccess?.Destination], ['onFailure', d.OnFailure?.Destination]] as const) {
    if (dest === undefined || dest === '') continue;
    if (!DESTINATION.test(dest)) throw validationError(dest, `destinationConfig.${member}.destination`, `Member must satisfy regular expression pattern: ${DESTINATION_PATTERN}`);
    const service = dest.split(':')[2];
    const action = DESTINATION_ACTIONS[service];
    if (!action) {
      const show = (x?: string) => (x ? `${x === d.OnSuccess?.Destination ? 'OnSuccess' : 'OnFailure'}(destination=${x})` : 'null');
      throw invalidParameter(`The provided destination config DestinationConfig(onSuccess=${show(d.OnSuccess?.Destination)}, onFailure=${show(d.OnFailure?.Destination)}) is invalid.`);
    }
    if (service === 'lambda') {
      const m = /:function:([^:]+)/.exec(dest);
      const other = m && dest.split(':')[4] === ref.accountId ? findFunction(ctx, { ...ref, name: m[1] }) : undefined;
      if (m?.[1] === ref.name) throw invalidParameter("You can't specify the function as a destination for itself.");
      if (!other) throw invalidParameter(`The destination ARN ${dest} is invalid.`);
    }
    if (!(await roleAllows(emulator, fn.latest.Role, action[0], dest, ctx.region))) {
      throw invalidParameter(`The function execution role does not have permissions to call ${action[1]} on ${dest}`);
    }
  }
}

export const PutFunctionEventInvokeConfig = operation<PutFunctionEventInvokeConfigRequest, FunctionEventInvokeConfig>({
  authorize: authorizeFunction('lambda:PutFunctionEventInvokeConfig'),
  async handler(input, ctx) {
    const { ref, fn, key, exists } = target(ctx, input);
    if (!exists) throw doesNotExist();
    if (input.MaximumRetryAttempts === undefined && input.MaximumEventAgeInSeconds === undefined && input.DestinationConfig === undefined) {
      throw invalidParameter('You must specify at least one of error handling or destination setting.');
    }
    checkLimits(input);
    await checkDestinations(ctx.emulator, ctx, ref, fn!, input.DestinationConfig);
    // Put replaces the whole configuration.
    const c: EventInvokeConfigRecord = {
      MaximumRetryAttempts: input.MaximumRetryAttempts,
      MaximumEventAgeInSeconds: input.MaximumEventAgeInSeconds,
      DestinationConfig: input.DestinationConfig ?? {},
      LastModified: ctx.emulator.clock.now(),
    };
    fn!.eventInvokeConfigs[key] = c;
    return toConfig(ref, key, c);
  },
});

export const UpdateFunctionEventInvokeConfig = operation<UpdateFunctionEventInvokeConfigRequest, FunctionEventInvokeConfig>({
  authorize: authorizeFunction('lambda:UpdateFunctionEventInvokeConfig'),
  async handler(input, ctx) {
    const { ref, fn, key, exists } = target(ctx, input);
    if (!exists) throw doesNotExist();
    const c = fn!.eventInvokeConfigs[key];
    if (!c) throw noConfig(ref);
    checkLimits(input);
    await checkDestinations(ctx.emulator, ctx, ref, fn!, input.DestinationConfig);
    // Update changes only what it names.
    if (input.MaximumRetryAttempts !== undefined) c.MaximumRetryAttempts = input.MaximumRetryAttempts;
    if (input.MaximumEventAgeInSeconds !== undefined) c.MaximumEventAgeInSeconds = input.MaximumEventAgeInSeconds;
    if (input.DestinationConfig?.OnSuccess) c.DestinationConfig.OnSuccess = input.DestinationConfig.OnSuccess;
    if (input.DestinationConfig?.OnFailure) c.DestinationConfig.OnFailure = input.DestinationConfig.OnFailure;
    c.LastModified = ctx.emulator.clock.now();
    return toConfig(ref, key, c);
  },
});

export const GetFunctionEventInvokeConfig = operation<GetFunctionEventInvokeConfigRequest, FunctionEventInvokeConfig>({
  authorize: authorizeFunction('lambda:GetFunctionEventInvokeConfig'),
  handler(input, ctx) {
    const { ref, fn, key } = target(ctx, input);
    const c = fn?.eventInvokeConfigs[key];
    if (!c) throw noConfig(ref);
    return toConfig(ref, key, c);
  },
});

export const DeleteFunctionEventInvokeConfig = operation<DeleteFunctionEventInvokeConfigRequest, void>({
  authorize: authorizeFunction('lambda:DeleteFunctionEventInvokeConfig'),
  handler(input, ctx) {
    const { ref, fn, key } = target(ctx, input);
    if (!fn?.eventInvokeConfigs[key]) throw noConfig(ref);
    delete fn.eventInvokeConfigs[key];
  },
});

export const ListFunctionEventInvokeConfigs = operation<ListFunctionEventInvokeConfigsRequest, ListFunctionEventInvokeConfigsResponse>({
  authorize: authorizeFunction('lambda:ListFunctionEventInvokeConfigs'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = findFunction(ctx, ref);
    if (!fn) throw doesNotExist();
    const all = Object.entries(fn.eventInvokeConfigs).sort(([a], [b]) => a.localeCompare(b));
    const { page, NextMarker } = paginate(all, input.Marker, input.MaxItems, 50);
    return { FunctionEventInvokeConfigs: page.map(([k, c]) => toConfig(ref, k, c)), NextMarker };
  },
});
