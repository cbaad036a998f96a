import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';

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
  /** The simulator could not evaluate the request (an unknown action, a malformed policy). */
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
    return JSON.parse(safeUriDecode(doc));
  }
}

function safeUriDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Which statements decided an unvalidated evaluation: each identity statement is evaluated alone,
 * and those that match with the deciding effect are reported.
 */
function matchingStatements(simulation: Simulation, req: EvaluationRequest, result: EvalResult): DecidingStatement[] {
  if (result === 'ImplicitlyDenied') return [];
  const want = result === 'Allowed' ? 'Allow' : 'Deny';
  const out: DecidingStatement[] = [];
  req.policies.identity.forEach((p) => {
    let doc: { Statement?: unknown };
    try {
      doc = parse(p.document) as { Statement?: unknown };
    } catch {
      return;
    }
    const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Record<string, unknown>[];
    for (const st of statements) {
      if (!st || st.Effect !== want) continue;
      const alone: Simulation = {
        ...simulation,
        identityPolicies: [{ name: p.name, policy: { Version: '2012-10-17', Statement: [st] } }],
        permissionBoundaryPolicies: undefined,
        sessionPolicy: undefined,
        resourcePolicy: undefined,
      };
      const r = runUnsafeSimulation(alone, {}) as EvalResult;
      if ((want === 'Allow' && r === 'Allowed') || (want === 'Deny' && r === 'ExplicitlyDenied')) {
        out.push({ policy: p.name, source: p.source, sid: typeof st.Sid === 'string' ? st.Sid : undefined, effect: want, statement: st, ...position(p.document, st) });
      }
    }
  });
  return out;
}

const LENIENT = new Set(['no.resource.types', 'multiple.resource.types', 'must.use.wildcard', 'invalid.action']);

function reasonFor(result: EvalResult, req: EvaluationRequest): string {
  if (result === 'Allowed') return 'allowed';
  if (result === 'ExplicitlyDenied') return 'with an explicit deny in a policy';
  return `because no identity-based policy allows the ${req.action} action`;
}

function principalString(p: string): Simulation['request']['principal'] {
  return p === 'anonymous' ? { type: 'Anonymous' } : p;
}

type Analysis = {
  result?: string;
  allowStatements?: StatementHit[];
  denyStatements?: StatementHit[];
};
type StatementHit = { policyId?: string; statement?: Record<string, unknown> };

/**
 * Evaluates one request with a real IAM policy engine (@cloud-copilot/iam-simulate): identity
 * policies, the permissions boundary, a session policy and the resource's own policy, with
 * conditions, wildcards, NotAction/NotResource and policy variables, as AWS's evaluation logic does.
 */
export async function evaluate(req: EvaluationRequest): Promise<Evaluation> {
  const byName = new Map<string, NamedPolicy>();
  const identityPolicies = req.policies.identity.map((p, i) => {
    const id = `${p.source}:${p.name}:${i}`;
    byName.set(id, p);
    return { name: id, policy: parse(p.document) };
  });
  const simulation: Simulation = {
    request: {
      principal: principalString(req.principal),
      action: req.action,
      resource: { resource: req.resource, accountId: req.resourceAccount },
      contextVariables: req.context,
    },
    identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
  };
  if (req.policies.boundary) {
    byName.set('boundary', req.policies.boundary);
    simulation.permissionBoundaryPolicies = [{ name: 'boundary', policy: parse(req.policies.boundary.document) }];
  }
  if (req.policies.session) {
    byName.set('session', req.policies.session);
    simulation.sessionPolicy = parse(req.policies.session.document);
  }
  if (req.resourcePolicy) {
    simulation.resourcePolicy = parse(req.resourcePolicy);
    byName.set('resource', { name: 'resource policy', source: 'resource', document: '' });
  }

  let response: Awaited<ReturnType<typeof runSimulation>>;
  try {
    response = await runSimulation(simulation, {});
  } catch (e) {
    return { result: 'ImplicitlyDenied', reason: 'the policy engine failed', statements: [], error: (e as Error).message };
  }
  if (response.resultType === 'error' && LENIENT.has(response.errors.message)) {
    // The simulator checks the resource against the action's resource types (and knows only the
    // actions of its data set). AWS matches policies as strings whatever the resource, so evaluate
    // without that check; the verdict is exact, only the deciding statements are not reported.
    const result = runUnsafeSimulation(simulation, {}) as EvalResult;
    return { result, reason: reasonFor(result, req), statements: matchingStatements(simulation, req, result) };
  }
  if (response.resultType === 'error') {
    return {
      result: 'ImplicitlyDenied',
      reason: 'the request could not be evaluated',
      statements: [],
      error: JSON.stringify(response.errors),
    };
  }
  const single = response.resultType === 'single' ? response.result : response.results?.[0];
  const analysis = ((single as unknown as { analysis?: Record<string, Analysis> } | undefined)?.analysis ?? {}) as Record<string, Analysis | undefined>;
  const result = response.overallResult as EvalResult;

  const collect = (a: Analysis | undefined, kind: 'allow' | 'deny', fallbackSource: string): DecidingStatement[] =>
    ((kind === 'allow' ? a?.allowStatements : a?.denyStatements) ?? []).map((s) => {
      const policy = (s.policyId && byName.get(s.policyId)) || byName.get(fallbackSource);
      const st = s.statement ?? {};
      return {
        policy: policy?.name ?? s.policyId ?? fallbackSource,
        source: policy?.source ?? fallbackSource,
        sid: typeof st.Sid === 'string' ? st.Sid : undefined,
        effect: kind === 'allow' ? 'Allow' : 'Deny',
        statement: st,
        ...(policy?.document ? position(policy.document, st) : {}),
      };
    });

  const identity = analysis.identityAnalysis;
  const resource = analysis.resourceAnalysis;
  const boundary = analysis.permissionBoundaryAnalysis;
  const session = analysis.sessionAnalysis;
  const action = req.action;
  let reason: string;
  let statements: DecidingStatement[];
  if (result === 'Allowed') {
    statements = [...collect(identity, 'allow', 'identity'), ...collect(resource, 'allow', 'resource')];
    reason = 'allowed';
  } else if (result === 'ExplicitlyDenied') {
    const fromResource = collect(resource, 'deny', 'resource');
    const fromIdentity = collect(identity, 'deny', 'identity');
    const fromBoundary = collect(boundary, 'deny', 'boundary');
    const fromSession = collect(session, 'deny', 'session');
    statements = [...fromIdentity, ...fromResource, ...fromBoundary, ...fromSession];
    reason = fromIdentity.length
      ? 'with an explicit deny in an identity-based policy'
      : fromResource.length
        ? 'with an explicit deny in a resource-based policy'
        : fromBoundary.length
          ? 'with an explicit deny in a permissions boundary'
          : 'with an explicit deny in a session policy';
  } else {
    statements = [];
    if (boundary && boundary.result && boundary.result !== 'Allowed' && boundary.result !== 'NotApplicable') {
      reason = `because no permissions boundary allows the ${action} action`;
    } else if (session && session.result && session.result !== 'Allowed' && session.result !== 'NotApplicable') {
      reason = `because no session policy allows the ${action} action`;
    } else if (req.resourcePolicy && req.resourceAccount !== req.principalAccount) {
      reason = `because no resource-based policy allows the ${action} action`;
    } else {
      reason = `because no identity-based policy allows the ${action} action`;
    }
  }
  return { result, reason, statements };
}

/**
 * Line and column of a statement in the policy's text, 1-based, as IAM's simulator reports them:
 * the statement's opening brace to just past its closing brace.
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
  // Walk the text to find the index-th object inside the Statement value.
  const stKey = text.search(/"Statement"\s*:/);
  if (stKey < 0) return {};
  let i = text.indexOf(':', stKey) + 1;
  while (/\s/.test(text[i])) i++;
  const isArray = text[i] === '[';
  if (isArray) i++;
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
  for (let i = 0; i < offset; i++) if (text[i] === '\n') {
    line++;
    last = i;
  }
  return { line, column: offset - last };
}
