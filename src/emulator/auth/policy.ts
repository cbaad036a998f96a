import { authorizeRequest, type EngineAnalysisPart } from './engine.js';

/** A policy document with the name IAM knows it by, and where it came from. */
export interface NamedPolicy {
  name: string;
  /** The policy's ARN for managed policies. */
  arn?: string;
  /** `user`, `group`, `role` (inline), `aws-managed`, `user-managed`, `boundary`, `session`, `resource`. */
  source: string;
  document: string;
}

export interface PrincipalPolicies {
  identity: NamedPolicy[];
  boundary?: NamedPolicy;
  session?: NamedPolicy;
}

export type EvalResult = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface DecidingStatement {
  policy: string;
  source: string;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** The statement as written. */
  statement: unknown;
  /** Position of the statement in the policy text, as SimulatePrincipalPolicy reports it. */
  start?: { line: number; column: number };
  end?: { line: number; column: number };
}

export interface Evaluation {
  result: EvalResult;
  /** What decided, in AWS's words: "no identity-based policy allows", "an explicit deny in a resource-based policy"... */
  reason: string;
  statements: DecidingStatement[];
  /** The engine could not evaluate the request (a malformed policy). */
  error?: string;
}

export interface EvaluationRequest {
  /** The caller's ARN, a federated provider or service principal name, or 'anonymous'. */
  principal: string;
  /** The caller's account, when it has one: cross-account requests need the resource policy too. */
  principalAccount?: string;
  action: string;
  resource: string;
  resourceAccount: string;
  policies: PrincipalPolicies;
  resourcePolicy?: string | object;
  context: Record<string, string | string[]>;
}

function parse(doc: string | object): unknown {
  if (typeof doc !== 'string') return doc;
  try {
    return JSON.parse(doc);
  } catch {
    return JSON.parse(decodeURIComponent(doc));
  }
}

/**
 * Evaluates one request with a real IAM policy engine (@cloud-copilot/iam-simulate): identity
 * policies, the permissions boundary, a session policy and the resource's own policy, with
 * conditions, wildcards, NotAction/NotResource and policy variables, as AWS's evaluation logic does.
 */
export async function evaluate(req: EvaluationRequest): Promise<Evaluation> {
  const byId = new Map<string, NamedPolicy>();
  const named = (id: string, p: NamedPolicy) => {
    byId.set(id, p);
    return { name: id, policy: parse(p.document) };
  };
  let analysis;
  try {
    analysis = await authorizeRequest({
      principal: req.principal === 'anonymous' ? { type: 'Anonymous' } : req.principal,
      action: req.action,
      resource: req.resource,
      resourceAccount: req.resourceAccount,
      context: req.context,
      identityPolicies: req.policies.identity.map((p, i) => named(`identity:${i}`, p)),
      permissionBoundaries: req.policies.boundary ? [named('boundary', req.policies.boundary)] : undefined,
      sessionPolicy: req.policies.session ? named('session', req.policies.session) : undefined,
      resourcePolicy: req.resourcePolicy
        ? named('resource', {
            name: 'resource policy',
            source: 'resource',
            document: typeof req.resourcePolicy === 'string' ? req.resourcePolicy : JSON.stringify(req.resourcePolicy),
          })
        : undefined,
    });
  } catch (e) {
    return { result: 'ImplicitlyDenied', reason: 'the policy engine could not evaluate the request', statements: [], error: (e as Error).message };
  }

  const collect = (part: EngineAnalysisPart | undefined, effect: 'Allow' | 'Deny'): DecidingStatement[] =>
    ((effect === 'Allow' ? part?.allowStatements : part?.denyStatements) ?? []).map((s) => {
      const p = s.policyId ? byId.get(s.policyId) : undefined;
      // The engine's statement objects serialise to the statement as written.
      const st = JSON.parse(JSON.stringify(s.statement ?? {})) as Record<string, unknown>;
      return {
        policy: p?.name ?? s.policyId ?? 'policy',
        source: p?.source ?? 'unknown',
        sid: typeof st.Sid === 'string' ? st.Sid : undefined,
        effect,
        statement: st,
        ...(p?.document ? position(p.document, st) : {}),
      };
    });

  const result = analysis.result;
  const action = req.action;
  if (result === 'Allowed') {
    return {
      result,
      reason: 'allowed',
      statements: [...collect(analysis.identityAnalysis, 'Allow'), ...collect(analysis.resourceAnalysis, 'Allow')],
    };
  }
  if (result === 'ExplicitlyDenied') {
    const identity = collect(analysis.identityAnalysis, 'Deny');
    const resource = collect(analysis.resourceAnalysis, 'Deny');
    const boundary = collect(analysis.permissionBoundaryAnalysis, 'Deny');
    const session = collect(analysis.sessionAnalysis, 'Deny');
    const reason = identity.length
      ? 'with an explicit deny in an identity-based policy'
      : resource.length
        ? 'with an explicit deny in a resource-based policy'
        : boundary.length
          ? 'with an explicit deny in a permissions boundary'
          : 'with an explicit deny in a session policy';
    return { result, reason, statements: [...identity, ...resource, ...boundary, ...session] };
  }
  const notAllowed = (part: EngineAnalysisPart | undefined) => part?.result !== undefined && part.result !== 'Allowed' && part.result !== 'NotApplicable';
  const identityAllows = (analysis.identityAnalysis?.allowStatements?.length ?? 0) > 0;
  let reason = `because no identity-based policy allows the ${action} action`;
  if (identityAllows && req.policies.boundary && notAllowed(analysis.permissionBoundaryAnalysis)) {
    reason = `because no permissions boundary allows the ${action} action`;
  } else if (identityAllows && req.policies.session && notAllowed(analysis.sessionAnalysis)) {
    reason = `because no session policy allows the ${action} action`;
  } else if (req.resourcePolicy && req.resourceAccount !== req.principalAccount) {
    reason = `because no resource-based policy allows the ${action} action`;
  }
  return { result, reason, statements: [] };
}

/**
 * Line and column of a statement in the policy's text, 1-based, as IAM's simulator reports them:
 * from the statement's opening brace to just past its closing brace.
 */
function position(document: string, statement: Record<string, unknown>): Pick<DecidingStatement, 'start' | 'end'> {
  const text = document;
  let parsed: { Statement?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    return {};
  }
  const list = Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
  const index = list.findIndex((s) => JSON.stringify(s) === JSON.stringify(statement));
  if (index < 0) return {};
  const stKey = text.search(/"Statement"\s*:/);
  if (stKey < 0) return {};
  let i = text.indexOf(':', stKey) + 1;
  while (/\s/.test(text[i])) i++;
  if (text[i] === '[') i++;
  let found = -1;
  let depth = 0;
  let start = -1;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) {
        found++;
        if (found === index) start = i;
      }
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0 && start >= 0) return { start: lineCol(text, start), end: lineCol(text, i + 1) };
    } else if (c === ']' && depth === 0) break;
  }
  return {};
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset; i++) {
    if (text[i] === '\n') {
      line++;
      last = i;
    }
  }
  return { line, column: offset - last };
}
