import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadPolicy } from '@cloud-copilot/iam-policy';
import { isConditionKeyArray, isWildcardOnlyAction, typeForContextKey } from '@cloud-copilot/iam-simulate';

/**
 * The policy engine of @cloud-copilot/iam-simulate, called at its core.
 *
 * Its front door, runSimulation, also validates requests against its data set: it refuses resources
 * of another type than the action's, and drops condition keys it does not list for the action (an
 * OIDC provider's `<host>:aud`, a new service's keys). AWS does neither: it matches policies against
 * whatever the request carries. So the emulator builds the request itself and calls the engine's
 * `authorize`, which the package ships but does not export; the lock file pins the version.
 */
const require = createRequire(import.meta.url);
const esm = join(dirname(require.resolve('@cloud-copilot/iam-simulate')), '..', 'esm');
const load = (p: string) => import(pathToFileURL(join(esm, p)).href);

type Core = {
  authorize: (r: unknown) => EngineAnalysis;
  AwsRequestImpl: new (principal: unknown, resource: { resource: string; accountId: string }, action: string, ctx: unknown, wildcardOnly?: boolean) => unknown;
  RequestContextImpl: new (values: Record<string, string | string[]>) => unknown;
  DiscoveryContextKeyConstraints: new (c: unknown[]) => unknown;
};

let core: Promise<Core> | undefined;

function loadCore(): Promise<Core> {
  core ??= Promise.all([
    load('core_engine/CoreSimulatorEngine.js'),
    load('request/request.js'),
    load('requestContext.js'),
    load('context_keys/discoveryContextKeyConstraints.js'),
  ]).then(([engine, request, context, discovery]) => ({
    authorize: engine.authorize,
    AwsRequestImpl: request.AwsRequestImpl,
    RequestContextImpl: context.RequestContextImpl,
    DiscoveryContextKeyConstraints: discovery.DiscoveryContextKeyConstraints,
  }));
  return core;
}

export interface EngineStatement {
  policyId?: string;
  statement?: Record<string, unknown>;
}

export interface EngineAnalysisPart {
  result?: string;
  allowStatements?: EngineStatement[];
  denyStatements?: EngineStatement[];
}

export interface EngineAnalysis {
  result: 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';
  identityAnalysis?: EngineAnalysisPart;
  resourceAnalysis?: EngineAnalysisPart;
  permissionBoundaryAnalysis?: EngineAnalysisPart;
  sessionAnalysis?: EngineAnalysisPart;
}

export interface EngineInput {
  principal: string | { type: 'Anonymous' };
  action: string;
  resource: string;
  resourceAccount: string;
  context: Record<string, string | string[]>;
  identityPolicies: { name: string; policy: unknown }[];
  permissionBoundaries?: { name: string; policy: unknown }[];
  sessionPolicy?: { name: string; policy: unknown };
  resourcePolicy?: { name: string; policy: unknown };
}

const keyTypes = new Map<string, boolean | undefined>();

/** Single-valued keys get one value, multi-valued keys a list, as the engine's condition operators expect. */
async function normalizeContext(values: Record<string, string | string[]>): Promise<Record<string, string | string[]>> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(values)) {
    const lower = key.toLowerCase();
    let isArray = keyTypes.get(lower);
    if (!keyTypes.has(lower)) {
      try {
        isArray = isConditionKeyArray(await typeForContextKey(lower));
      } catch {
        isArray = undefined; // a key the data set does not know: take the value as given
      }
      keyTypes.set(lower, isArray);
    }
    out[key] = isArray === true ? [value].flat() : isArray === false && Array.isArray(value) ? (value[0] ?? '') : value;
  }
  return out;
}

const wildcardOnly = new Map<string, boolean>();

export async function authorizeRequest(input: EngineInput): Promise<EngineAnalysis> {
  const c = await loadCore();
  const [service, action] = input.action.split(':');
  let wild = wildcardOnly.get(input.action);
  if (wild === undefined) {
    try {
      wild = await isWildcardOnlyAction(service ?? '', action ?? '');
    } catch {
      wild = false;
    }
    wildcardOnly.set(input.action, wild);
  }
  const named = (p: { name: string; policy: unknown }) => loadPolicy(p.policy as never, { name: p.name });
  const request = new c.AwsRequestImpl(
    input.principal,
    { resource: input.resource, accountId: input.resourceAccount },
    input.action,
    new c.RequestContextImpl(await normalizeContext(input.context)),
    wild,
  );
  return c.authorize({
    request,
    sessionPolicy: input.sessionPolicy ? named(input.sessionPolicy) : undefined,
    identityPolicies: input.identityPolicies.map(named),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: input.resourcePolicy ? named(input.resourcePolicy) : undefined,
    permissionBoundaries: input.permissionBoundaries?.map(named),
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new c.DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: {} },
  });
}
