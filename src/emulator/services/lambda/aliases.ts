import type {
  AliasConfiguration,
  AliasRoutingConfiguration,
  CreateAliasRequest,
  DeleteAliasRequest,
  GetAliasRequest,
  ListAliasesRequest,
  ListAliasesResponse,
  UpdateAliasRequest,
} from '@aws-sdk/client-lambda';
import { uuid } from '../../core/ids.js';
import { operation, type RequestContext } from '../../core/service.js';
import {
  conflict,
  functionArn,
  functionNotFound,
  invalidParameter,
  notFound,
  paginate,
  parseFunctionName,
  preconditionFailed,
  requireFunction,
  resourcePolicyFor,
  findFunction,
  validationError,
  type FunctionRef,
} from './common.js';
import { isEnforced } from '../../auth/principal.js';
import { reconcileProvisioned } from './provisionedConcurrency.js';
import type { AliasRecord, FunctionRecord } from './state.js';

const ALIAS_NAME = /^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$/;

const aliasArn = (ref: FunctionRef, name: string) => functionArn(ref.region, ref.accountId, ref.name, name);

function toAlias(ref: FunctionRef, a: AliasRecord): AliasConfiguration {
  return {
    AliasArn: aliasArn(ref, a.Name),
    Name: a.Name,
    FunctionVersion: a.FunctionVersion,
    Description: a.Description,
    RoutingConfig: a.RoutingConfig ? { AdditionalVersionWeights: { ...a.RoutingConfig.AdditionalVersionWeights } } : undefined,
    RevisionId: a.RevisionId,
  };
}

const javaDouble = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));

/** The checks Lambda makes on an alias's target version and routing weights. */
function checkTarget(fn: FunctionRecord, ref: FunctionRef, version: string, routing: AliasRoutingConfiguration | undefined): AliasRecord['RoutingConfig'] {
  const weights = routing?.AdditionalVersionWeights;
  if (weights) {
    const entries = Object.entries(weights);
    const text = `{${entries.map(([k, v]) => `${k}=${javaDouble(v)}`).join(', ')}}`;
    if (entries.some(([k]) => !/^[0-9]+$/.test(k))) {
      throw validationError(
        text,
        'routingConfig.additionalVersionWeights',
        'Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]',
      );
    }
    if (entries.some(([, v]) => v < 0 || v > 1)) {
      throw validationError(
        text,
        'routingConfig.additionalVersionWeights',
        'Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]',
      );
    }
    if (entries.length > 1) throw invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
  }
  if (version !== '$LATEST' && !fn.versions[version]) throw functionNotFound(functionArn(ref.region, ref.accountId, ref.name, version));
  const entries = Object.entries(weights ?? {});
  if (!entries.length) return undefined;
  if (version === '$LATEST') throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
  for (const [k] of entries) {
    if (k === version) throw invalidParameter(`Invalid function version ${version}. Function version ${version} is already included in routing configuration.`);
    if (!fn.versions[k]) throw functionNotFound(functionArn(ref.region, ref.accountId, ref.name, k));
  }
  return { AdditionalVersionWeights: Object.fromEntries(entries) };
}

function aliasAuth(action: string) {
  return (input: { FunctionName?: string; Name?: string }, ctx: RequestContext) => {
    const ref = parseFunctionName(ctx, input.FunctionName);
    return {
      action,
      resource: input.Name ? aliasArn(ref, input.Name) : functionArn(ref.region, ref.accountId, ref.name),
      resourceAccount: ref.accountId,
      resourcePolicy: isEnforced(ctx.principal) ? resourcePolicyFor(findFunction(ctx, ref), input.Name) : undefined,
    };
  };
}

export const CreateAlias = operation<CreateAliasRequest, AliasConfiguration>({
  authorize: aliasAuth('lambda:CreateAlias'),
  handler(input, ctx) {
    if (!ALIAS_NAME.test(input.Name!)) throw validationError(input.Name!, 'name', 'Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)');
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = requireFunction(ctx, ref, input.FunctionVersion);
    const routing = checkTarget(fn, ref, input.FunctionVersion!, input.RoutingConfig);
    if (fn.aliases[input.Name!]) throw conflict(`Alias already exists: ${aliasArn(ref, input.Name!)}`);
    const alias: AliasRecord = { Name: input.Name!, FunctionVersion: input.FunctionVersion!, Description: input.Description ?? '', RoutingConfig: routing, RevisionId: uuid() };
    fn.aliases[alias.Name] = alias;
    return toAlias(ref, alias);
  },
});

function requireAlias(fn: FunctionRecord, ref: FunctionRef, name: string, message = 'Cannot find alias arn'): AliasRecord {
  const a = fn.aliases[name];
  if (!a) throw notFound(message === 'Cannot find alias arn' ? `Cannot find alias arn: ${aliasArn(ref, name)}` : `${message}: ${aliasArn(ref, name)}`);
  return a;
}

export const GetAlias = operation<GetAliasRequest, AliasConfiguration>({
  authorize: aliasAuth('lambda:GetAlias'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = requireFunction(ctx, ref);
    return toAlias(ref, requireAlias(fn, ref, input.Name!));
  },
});

export const ListAliases = operation<ListAliasesRequest, ListAliasesResponse>({
  authorize: aliasAuth('lambda:ListAliases'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = requireFunction(ctx, ref);
    const all = Object.values(fn.aliases)
      .filter((a) => input.FunctionVersion === undefined || a.FunctionVersion === input.FunctionVersion)
      .sort((a, b) => a.Name.localeCompare(b.Name));
    const { page, NextMarker } = paginate(all, input.Marker, input.MaxItems);
    return { Aliases: page.map((a) => toAlias(ref, a)), NextMarker };
  },
});

export const UpdateAlias = operation<UpdateAliasRequest, AliasConfiguration>({
  authorize: aliasAuth('lambda:UpdateAlias'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = requireFunction(ctx, ref);
    const alias = requireAlias(fn, ref, input.Name!, 'Alias not found');
    if (input.RevisionId !== undefined && input.RevisionId !== alias.RevisionId) throw preconditionFailed();
    const version = input.FunctionVersion ?? alias.FunctionVersion;
    const routing = input.RoutingConfig !== undefined ? checkTarget(fn, ref, version, input.RoutingConfig) : checkTarget(fn, ref, version, alias.RoutingConfig);
    const moved = version !== alias.FunctionVersion;
    alias.FunctionVersion = version;
    alias.RoutingConfig = routing;
    if (input.Description !== undefined) alias.Description = input.Description;
    alias.RevisionId = uuid();
    // Provisioned concurrency moves with the alias to its new version.
    if (moved && fn.provisioned[alias.Name]) reconcileProvisioned(ctx, ref, fn, alias.Name);
    return toAlias(ref, alias);
  },
});

export const DeleteAlias = operation<DeleteAliasRequest, void>({
  authorize: aliasAuth('lambda:DeleteAlias'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    const fn = requireFunction(ctx, ref);
    const name = input.Name!;
    if (!fn.aliases[name]) return;
    delete fn.aliases[name];
    delete fn.policies[name];
    delete fn.eventInvokeConfigs[name];
    if (fn.provisioned[name]) {
      delete fn.provisioned[name];
      reconcileProvisioned(ctx, ref, fn, name);
    }
  },
});
