import type {
  Cors,
  CreateFunctionUrlConfigRequest,
  CreateFunctionUrlConfigResponse,
  DeleteFunctionUrlConfigRequest,
  FunctionUrlConfig,
  GetFunctionUrlConfigRequest,
  GetFunctionUrlConfigResponse,
  ListFunctionUrlConfigsRequest,
  ListFunctionUrlConfigsResponse,
  UpdateFunctionUrlConfigRequest,
  UpdateFunctionUrlConfigResponse,
} from '@aws-sdk/client-lambda';
import { accountOfTaggedId, accountTaggedId } from '../../core/ids.js';
import { operation, type RequestContext } from '../../core/service.js';
import type { Emulator } from '../../emulator.js';
import { authorizeFunction, conflict, findFunction, functionArn, notFound, paginate, parseFunctionName, validationError, type Ctx, type FunctionRef } from './common.js';

/**
 * Lambda function URLs: an HTTPS endpoint per function or alias. The configurations live in their
 * own state document of the Lambda service (`lambda-function-urls`), next to the functions; the
 * data plane that answers the URLs is urlDataPlane.ts.
 */
export interface FunctionUrlRecord {
  urlId: string;
  functionName: string;
  /** An alias, or undefined for the function itself ($LATEST). */
  qualifier?: string;
  AuthType: 'NONE' | 'AWS_IAM';
  Cors?: Cors;
  InvokeMode: 'BUFFERED' | 'RESPONSE_STREAM';
  /** Whether the caller set InvokeMode (Create and Update echo it only then, as AWS does). */
  invokeModeGiven: boolean;
  CreationTime: string;
  LastModifiedTime: string;
}

export interface FunctionUrlState {
  /** By `<function name>` or `<function name>:<alias>`. */
  urls: Record<string, FunctionUrlRecord>;
}

export const URL_STATE = 'lambda-function-urls';
const URL_ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const urlState = (emulator: Emulator, accountId: string, region: string): FunctionUrlState =>
  emulator.store.doc<FunctionUrlState>(URL_STATE, accountId, region, () => ({ urls: {} }));

/** URL ids carry their account, so the unsigned data plane finds the configuration from the host alone. */
export const newUrlId = (accountId: string) => accountTaggedId(accountId, URL_ID_ALPHABET, 32);
export const accountOfUrlId = (urlId: string) => (/^[a-z0-9]{32}$/.test(urlId) ? accountOfTaggedId(urlId, URL_ID_ALPHABET) : undefined);

/** The URL as a client reaches it: `http://<urlId>.lambda-url.<region>.localhost:<port>/` (curl and browsers resolve *.localhost). */
export function functionUrlOf(endpoint: string, urlId: string, region: string): string {
  const u = new URL(endpoint);
  return `${u.protocol}//${urlId}.lambda-url.${region}.localhost${u.port ? `:${u.port}` : ''}/`;
}

const resourceNotFound = () => notFound('The resource you requested does not exist.');
const functionDoesNotExist = () => notFound('Function does not exist');

/** Function URLs belong to the function or to an alias, never to a version or $LATEST named explicitly. */
function checkQualifier(q: string | undefined): void {
  if (q !== undefined && (/^\d+$/.test(q) || !/^[0-9a-zA-Z-_]+$/.test(q))) {
    throw validationError(q, 'qualifier', 'Member must satisfy regular expression pattern: ((?!^\\d+$)^[0-9a-zA-Z-_]+$)');
  }
}

function refOf(ctx: Ctx, name: string | undefined, qualifier: string | undefined): FunctionRef {
  checkQualifier(qualifier);
  const ref = parseFunctionName(ctx, name, qualifier);
  checkQualifier(ref.qualifier);
  return ref;
}

const keyOf = (ref: FunctionRef) => (ref.qualifier ? `${ref.name}:${ref.qualifier}` : ref.name);

/** Whether the function (and the alias, when the URL is an alias's) still exists. */
function targetExists(ctx: Ctx, ref: FunctionRef): boolean {
  const fn = findFunction(ctx, ref);
  return !!fn && (!ref.qualifier || !!fn.aliases[ref.qualifier]);
}

/** The configuration a request names; one left behind by a deleted function or alias is dropped. */
export function urlConfigOf(ctx: Ctx, ref: FunctionRef): FunctionUrlRecord | undefined {
  const state = urlState(ctx.emulator, ref.accountId, ref.region);
  const rec = state.urls[keyOf(ref)];
  if (rec && !targetExists(ctx, ref)) {
    delete state.urls[keyOf(ref)];
    ctx.emulator.persistSoon();
    return undefined;
  }
  return rec;
}

function checkCors(cors: Cors | undefined): void {
  if (!cors) return;
  if ((cors.MaxAge ?? 0) < 0 || (cors.MaxAge ?? 0) > 86400) throw validationError(String(cors.MaxAge), 'cors.maxAge', 'Member must have value less than or equal to 86400');
  for (const m of cors.AllowMethods ?? []) {
    if (!/^(\*|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/.test(m)) throw validationError(m, 'cors.allowMethods', 'Member must satisfy regular expression pattern: .*');
  }
}

function checkEnums(authType: string | undefined, invokeMode: string | undefined): void {
  if (authType !== undefined && authType !== 'NONE' && authType !== 'AWS_IAM') {
    throw validationError(authType, 'authType', 'Member must satisfy enum value set: [AWS_IAM, NONE]');
  }
  if (invokeMode !== undefined && invokeMode !== 'BUFFERED' && invokeMode !== 'RESPONSE_STREAM') {
    throw validationError(invokeMode, 'invokeMode', 'Member must satisfy enum value set: [RESPONSE_STREAM, BUFFERED]');
  }
}

function view(ctx: Pick<RequestContext, 'endpoint'>, ref: FunctionRef, r: FunctionUrlRecord, which: 'create' | 'get' | 'update'): FunctionUrlConfig {
  return {
    FunctionUrl: functionUrlOf(ctx.endpoint, r.urlId, ref.region),
    FunctionArn: functionArn(ref.region, ref.accountId, r.functionName, r.qualifier),
    AuthType: r.AuthType,
    CreationTime: r.CreationTime,
    LastModifiedTime: which === 'create' ? undefined : r.LastModifiedTime,
    Cors: r.Cors,
    InvokeMode: which === 'get' || r.invokeModeGiven ? r.InvokeMode : undefined,
  } as FunctionUrlConfig;
}

export const CreateFunctionUrlConfig = operation<CreateFunctionUrlConfigRequest, CreateFunctionUrlConfigResponse>({
  authorize: authorizeFunction('lambda:CreateFunctionUrlConfig'),
  handler(input, ctx) {
    const ref = refOf(ctx, input.FunctionName, input.Qualifier);
    checkEnums(input.AuthType, input.InvokeMode);
    if (!targetExists(ctx, ref)) throw functionDoesNotExist();
    checkCors(input.Cors);
    const state = urlState(ctx.emulator, ref.accountId, ref.region);
    if (urlConfigOf(ctx, ref)) {
      throw conflict(
        `Failed to create function url config for [functionArn = ${functionArn(ref.region, ref.accountId, ref.name, ref.qualifier)}]. Error message:  FunctionUrlConfig exists for this Lambda function`,
      );
    }
    const now = new Date(ctx.emulator.clock.now()).toISOString();
    const r: FunctionUrlRecord = {
      urlId: newUrlId(ref.accountId),
      functionName: ref.name,
      qualifier: ref.qualifier,
      AuthType: input.AuthType!,
      Cors: input.Cors,
      InvokeMode: (input.InvokeMode as FunctionUrlRecord['InvokeMode']) ?? 'BUFFERED',
      invokeModeGiven: input.InvokeMode !== undefined,
      CreationTime: now,
      LastModifiedTime: now,
    };
    state.urls[keyOf(ref)] = r;
    return view(ctx, ref, r, 'create') as CreateFunctionUrlConfigResponse;
  },
});

export const GetFunctionUrlConfig = operation<GetFunctionUrlConfigRequest, GetFunctionUrlConfigResponse>({
  authorize: authorizeFunction('lambda:GetFunctionUrlConfig'),
  handler(input, ctx) {
    const ref = refOf(ctx, input.FunctionName, input.Qualifier);
    const r = urlConfigOf(ctx, ref);
    if (!r) throw resourceNotFound();
    return view(ctx, ref, r, 'get') as GetFunctionUrlConfigResponse;
  },
});

export const UpdateFunctionUrlConfig = operation<UpdateFunctionUrlConfigRequest, UpdateFunctionUrlConfigResponse>({
  authorize: authorizeFunction('lambda:UpdateFunctionUrlConfig'),
  handler(input, ctx) {
    const ref = refOf(ctx, input.FunctionName, input.Qualifier);
    checkEnums(input.AuthType, input.InvokeMode);
    if (!targetExists(ctx, ref)) throw functionDoesNotExist();
    const r = urlConfigOf(ctx, ref);
    if (!r) throw resourceNotFound();
    checkCors(input.Cors);
    if (input.AuthType !== undefined) r.AuthType = input.AuthType;
    if (input.Cors !== undefined) r.Cors = input.Cors;
    if (input.InvokeMode !== undefined) {
      r.InvokeMode = input.InvokeMode as FunctionUrlRecord['InvokeMode'];
      r.invokeModeGiven = true;
    }
    r.LastModifiedTime = new Date(ctx.emulator.clock.now()).toISOString();
    return view(ctx, ref, r, 'update') as UpdateFunctionUrlConfigResponse;
  },
});

export const DeleteFunctionUrlConfig = operation<DeleteFunctionUrlConfigRequest, void>({
  authorize: authorizeFunction('lambda:DeleteFunctionUrlConfig'),
  handler(input, ctx) {
    const ref = refOf(ctx, input.FunctionName, input.Qualifier);
    if (!urlConfigOf(ctx, ref)) throw resourceNotFound();
    delete urlState(ctx.emulator, ref.accountId, ref.region).urls[keyOf(ref)];
  },
});

export const ListFunctionUrlConfigs = operation<ListFunctionUrlConfigsRequest, ListFunctionUrlConfigsResponse>({
  authorize: authorizeFunction('lambda:ListFunctionUrlConfigs'),
  handler(input, ctx) {
    const ref = parseFunctionName(ctx, input.FunctionName, undefined, { allowQualifier: false });
    if (!findFunction(ctx, ref)) throw functionDoesNotExist();
    const all = Object.values(urlState(ctx.emulator, ref.accountId, ref.region).urls)
      .filter((r) => r.functionName === ref.name)
      .map((r) => ({ r, ref: { ...ref, qualifier: r.qualifier } }))
      .filter(({ ref: x }) => urlConfigOf(ctx, x));
    const { page, NextMarker } = paginate(all, input.Marker, input.MaxItems, 50);
    return { FunctionUrlConfigs: page.map(({ r, ref: x }) => view(ctx, x, r, 'get')), NextMarker };
  },
});
