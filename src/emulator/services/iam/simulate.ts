import type {
  ContextEntry,
  EvaluationResult,
  PolicySourceType,
  SimulateCustomPolicyRequest,
  SimulatePolicyResponse,
  SimulatePrincipalPolicyRequest,
  Statement,
} from '@aws-sdk/client-iam';
import { AwsError } from '../../core/errors.js';
import { operation, type RequestContext } from '../../core/service.js';
import { evaluate, type DecidingStatement, type NamedPolicy } from '../../auth/policy.js';
import { globalContext } from '../../auth/enforce.js';
import { iamState } from './state.js';
import { defaultDocument, managedPolicy } from './policies.js';
import { checkPolicyDocument, noSuchEntity, paginate } from './common.js';

const DECISION = { Allowed: 'allowed', ExplicitlyDenied: 'explicitDeny', ImplicitlyDenied: 'implicitDeny' } as const;

function contextOf(entries: ContextEntry[] | undefined): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const e of entries ?? []) {
    if (!e.ContextKeyName) continue;
    const values = e.ContextKeyValues ?? [];
    out[e.ContextKeyName] = /List$/i.test(e.ContextKeyType ?? '') ? values : (values[0] ?? '');
  }
  return out;
}

const toMatched = (s: DecidingStatement): Statement => ({
  SourcePolicyId: s.policy,
  // Real IAM sends "IAM Policy" here (see the reference snapshots), though the SDK's enum lists other values.
  SourcePolicyType: (s.source === 'resource' ? 'resource' : 'IAM Policy') as PolicySourceType,
  StartPosition: s.start ? { Line: s.start.line, Column: s.start.column } : undefined,
  EndPosition: s.end ? { Line: s.end.line, Column: s.end.column } : undefined,
});

interface SimulationInput {
  principalArn: string;
  policies: NamedPolicy[];
  boundary?: NamedPolicy;
  actions: string[];
  resources: string[];
  resourcePolicy?: string;
  resourceOwner?: string;
  context: Record<string, string | string[]>;
  marker?: string;
  maxItems?: number;
}

async function simulate(ctx: RequestContext, s: SimulationInput): Promise<SimulatePolicyResponse> {
  if (!s.actions.length) throw new AwsError('InvalidInput', 'ActionNames must not be empty.', 400);
  const base = { ...globalContext(ctx.emulator, ctx.principal, ctx.region), ...s.context };
  delete base['aws:PrincipalArn'];
  const results: EvaluationResult[] = [];
  for (const action of s.actions) {
    for (const resource of s.resources) {
      const ev = await evaluate({
        principal: s.principalArn,
        principalAccount: ctx.accountId,
        action,
        resource,
        resourceAccount: s.resourceOwner?.match(/\d{12}/)?.[0] ?? ctx.accountId,
        policies: { identity: s.policies, boundary: s.boundary },
        resourcePolicy: s.resourcePolicy,
        context: base,
      });
      const matched = ev.statements.map(toMatched);
      const decision = DECISION[ev.result];
      results.push({
        EvalActionName: action,
        EvalResourceName: resource,
        EvalDecision: decision,
        MatchedStatements: matched,
        MissingContextValues: [],
        OrganizationsDecisionDetail: { AllowedByOrganizations: true },
        EvalDecisionDetails: {},
        ResourceSpecificResults: [
          { EvalResourceName: resource, EvalResourceDecision: decision, MatchedStatements: matched, MissingContextValues: [] },
        ],
      });
    }
  }
  const { page, IsTruncated, Marker } = paginate(results, s.marker, s.maxItems);
  return { EvaluationResults: page, IsTruncated, Marker };
}

const inputPolicies = (docs: string[] | undefined, prefix: string): NamedPolicy[] =>
  (docs ?? []).map((d, i) => ({ name: `${prefix}.${i + 1}`, source: 'custom', document: checkPolicyDocument(d, 'identity') }));

export const SimulatePrincipalPolicy = operation<SimulatePrincipalPolicyRequest, SimulatePolicyResponse>({
  async handler(input, ctx) {
    const state = iamState(ctx);
    const source = input.PolicySourceArn!;
    const m = /^arn:aws:iam::(\d{12}):(user|group|role)\/(?:.*\/)?([^/]+)$/.exec(source);
    if (!m) throw new AwsError('InvalidInput', `Invalid PolicySourceArn: ${source}`, 400);
    const [, , kind, name] = m;
    const policies: NamedPolicy[] = [];
    let boundary: NamedPolicy | undefined;
    const add = (inline: Record<string, string>, attached: string[], source: string) => {
      for (const [n, document] of Object.entries(inline)) policies.push({ name: n, source, document });
      for (const arn of attached) {
        const p = managedPolicy(state, arn);
        if (p) policies.push({ name: p.PolicyName, source: 'managed', document: defaultDocument(p) });
      }
    };
    const boundaryOf = (arn: string | undefined) => {
      const p = arn ? managedPolicy(state, arn) : undefined;
      return p ? { name: p.PolicyName, source: 'boundary', document: defaultDocument(p) } : undefined;
    };
    if (kind === 'user') {
      const u = state.users[name];
      if (!u) throw noSuchEntity(`The user with name ${name} cannot be found.`);
      add(u.inline, u.attached, 'user');
      for (const g of u.groups) if (state.groups[g]) add(state.groups[g].inline, state.groups[g].attached, 'group');
      boundary = boundaryOf(u.PermissionsBoundary);
    } else if (kind === 'group') {
      const g = state.groups[name];
      if (!g) throw noSuchEntity(`The group with name ${name} cannot be found.`);
      add(g.inline, g.attached, 'group');
    } else {
      const r = state.roles[name];
      if (!r) throw noSuchEntity(`The role with name ${name} cannot be found.`);
      add(r.inline, r.attached, 'role');
      boundary = boundaryOf(r.PermissionsBoundary);
    }
    policies.push(...inputPolicies(input.PolicyInputList, 'PolicyInputList'));
    const extraBoundary = inputPolicies(input.PermissionsBoundaryPolicyInputList, 'PermissionsBoundaryPolicyInputList')[0];
    return simulate(ctx, {
      principalArn: input.CallerArn ?? (kind === 'group' ? `arn:aws:iam::${ctx.accountId}:user/simulated` : source),
      policies,
      boundary: extraBoundary ?? boundary,
      actions: input.ActionNames ?? [],
      resources: input.ResourceArns?.length ? input.ResourceArns : ['*'],
      resourcePolicy: input.ResourcePolicy,
      resourceOwner: input.ResourceOwner,
      context: contextOf(input.ContextEntries),
      marker: input.Marker,
      maxItems: input.MaxItems,
    });
  },
});

export const SimulateCustomPolicy = operation<SimulateCustomPolicyRequest, SimulatePolicyResponse>({
  handler(input, ctx) {
    return simulate(ctx, {
      principalArn: input.CallerArn ?? `arn:aws:iam::${ctx.accountId}:user/simulated`,
      policies: inputPolicies(input.PolicyInputList, 'PolicyInputList'),
      boundary: inputPolicies(input.PermissionsBoundaryPolicyInputList, 'PermissionsBoundaryPolicyInputList')[0],
      actions: input.ActionNames ?? [],
      resources: input.ResourceArns?.length ? input.ResourceArns : ['*'],
      resourcePolicy: input.ResourcePolicy,
      resourceOwner: input.ResourceOwner,
      context: contextOf(input.ContextEntries),
      marker: input.Marker,
      maxItems: input.MaxItems,
    });
  },
});
