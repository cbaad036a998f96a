import type { LambdaConfigType } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoError } from './errors.js';
import type { Emulator } from '../../emulator.js';
import { poolArn, type PoolClient, type PoolRef, type PoolUser } from './state.js';

type TriggerName = 'PreSignUp' | 'PostConfirmation' | 'PreAuthentication' | 'PostAuthentication' | 'CustomMessage' | 'PreTokenGeneration';

/** The `userAttributes` a trigger sees: every attribute, `sub` and the status, as strings. */
export function triggerAttributes(user: PoolUser): Record<string, string> {
  return { sub: user.sub, ...user.attributes, 'cognito:user_status': user.status };
}

function arnOf(ref: PoolRef, name: TriggerName): { arn: string; version: string } | undefined {
  const lc: LambdaConfigType = ref.pool.config.LambdaConfig ?? {};
  if (name === 'PreTokenGeneration') {
    const cfg = lc.PreTokenGenerationConfig;
    if (cfg?.LambdaArn) return { arn: cfg.LambdaArn, version: cfg.LambdaVersion ?? 'V1_0' };
    return lc.PreTokenGeneration ? { arn: lc.PreTokenGeneration, version: 'V1_0' } : undefined;
  }
  const arn = lc[name];
  return arn ? { arn, version: 'V1_0' } : undefined;
}

/**
 * Runs a pool's Lambda trigger through the emulator's Lambda service, synchronously, with
 * Cognito's event shape, and returns the event the function handed back. A function that fails
 * fails the request, as in AWS: `<Trigger> failed with error <message>.`
 */
export async function runTrigger(
  emulator: Emulator,
  ref: PoolRef,
  name: TriggerName,
  triggerSource: string,
  userName: string,
  clientId: string | undefined,
  request: Record<string, unknown>,
  response: Record<string, unknown>,
  version = '1',
): Promise<Record<string, unknown> | undefined> {
  const target = arnOf(ref, name);
  if (!target) return undefined;
  const event = {
    version,
    triggerSource,
    region: ref.region,
    userPoolId: ref.pool.Id,
    userName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: clientId ?? 'CLIENT_ID_NOT_APPLICABLE' },
    request,
    response,
  };
  // Loaded only when a pool has triggers, so user pools alone never load Lambda.
  const { invokeFunction } = await import('../lambda/index.js');
  let out: { functionError?: string; payload: Buffer };
  try {
    out = await invokeFunction(emulator, {
      accountId: ref.accountId,
      region: ref.region,
      functionName: target.arn,
      payload: JSON.stringify(event),
      invocationType: 'RequestResponse',
      // As in AWS, the function's resource policy must let Cognito invoke it (lambda add-permission).
      principal: 'cognito-idp.amazonaws.com',
      sourceArn: poolArn(ref, ref.pool.Id),
    });
  } catch (e) {
    throw cognitoError('UnexpectedLambdaException', `${name} invocation failed due to error ${(e as { code?: string; name?: string }).code ?? (e as Error).name ?? 'Error'}.`);
  }
  const text = out.payload.toString('utf8');
  let payload: unknown;
  try {
    payload = text ? JSON.parse(text) : undefined;
  } catch {
    payload = text;
  }
  if (out.functionError) {
    const msg = payload && typeof payload === 'object' && 'errorMessage' in payload ? String((payload as { errorMessage: unknown }).errorMessage) : text;
    throw cognitoError('UserLambdaValidationException', `${name} failed with error ${msg}.`);
  }
  if (!payload || typeof payload !== 'object') {
    throw cognitoError('InvalidLambdaResponseException', `Unrecognizable lambda output`);
  }
  return payload as Record<string, unknown>;
}

export interface GroupConfig {
  groups: string[];
  roles: string[];
  preferredRole?: string;
}

export interface TokenOverride {
  id?: { add?: Record<string, unknown>; suppress?: string[] };
  access?: { add?: Record<string, unknown>; suppress?: string[] };
  scopesToAdd?: string[];
  scopesToSuppress?: string[];
  groups?: GroupConfig;
}

/** PreTokenGeneration, version 1 (ID token claims) or 2 (both tokens and the access token's scopes). */
export async function preTokenGeneration(
  emulator: Emulator,
  ref: PoolRef,
  client: PoolClient,
  user: PoolUser,
  triggerSource: string,
  groups: GroupConfig,
  scopes: string[],
  clientMetadata: Record<string, string> | undefined,
): Promise<TokenOverride | undefined> {
  const target = arnOf(ref, 'PreTokenGeneration');
  if (!target) return undefined;
  const v2 = target.version !== 'V1_0';
  const request: Record<string, unknown> = {
    userAttributes: triggerAttributes(user),
    groupConfiguration: { groupsToOverride: groups.groups, iamRolesToOverride: groups.roles, preferredRole: groups.preferredRole ?? null },
  };
  if (v2) request.scopes = scopes;
  if (clientMetadata) request.clientMetadata = clientMetadata;
  const out = await runTrigger(emulator, ref, 'PreTokenGeneration', triggerSource, user.Username, client.ClientId, request, v2 ? { claimsAndScopeOverrideDetails: null } : { claimsOverrideDetails: null }, v2 ? '2' : '1');
  const res = (out?.response ?? {}) as Record<string, any>;
  const result: TokenOverride = {};
  const groupDetails = (d: any): GroupConfig | undefined =>
    d ? { groups: d.groupsToOverride ?? groups.groups, roles: d.iamRolesToOverride ?? groups.roles, preferredRole: d.preferredRole ?? groups.preferredRole } : undefined;
  if (v2 && res.claimsAndScopeOverrideDetails) {
    const d = res.claimsAndScopeOverrideDetails;
    result.id = { add: d.idTokenGeneration?.claimsToAddOrOverride, suppress: d.idTokenGeneration?.claimsToSuppress };
    result.access = { add: d.accessTokenGeneration?.claimsToAddOrOverride, suppress: d.accessTokenGeneration?.claimsToSuppress };
    result.scopesToAdd = d.accessTokenGeneration?.scopesToAdd;
    result.scopesToSuppress = d.accessTokenGeneration?.scopesToSuppress;
    result.groups = groupDetails(d.groupOverrideDetails);
  } else if (res.claimsOverrideDetails) {
    const d = res.claimsOverrideDetails;
    result.id = { add: d.claimsToAddOrOverride, suppress: d.claimsToSuppress };
    result.groups = groupDetails(d.groupOverrideDetails);
  }
  return result;
}
