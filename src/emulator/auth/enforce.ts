import { AwsError } from '../core/errors.js';
import type { HttpRequest } from '../core/http.js';
import type { AuthorizationRequest, ServiceDefinition } from '../core/service.js';
import type { Emulator } from '../emulator.js';
import type { DecidingStatement, EvalResult } from './policy.js';
import { isEnforced, type Principal } from './principal.js';
import { authErrors } from './authenticate.js';
import { principalPolicies } from '../services/iam/policies.js';

export interface Decision {
  id: number;
  time: string;
  accountId: string;
  principal: string;
  principalType: Principal['type'];
  service: string;
  operation: string;
  action: string;
  resource: string;
  result: EvalResult;
  reason: string;
  statements: DecidingStatement[];
  error?: string;
}

/** The last decisions IAM made, for `/_awslings/iam/decisions` and the page's inspector. */
export class DecisionLog {
  private items: Decision[] = [];
  private next = 1;
  constructor(private readonly capacity = 1000) {}

  add(d: Omit<Decision, 'id'>): Decision {
    const full = { ...d, id: this.next++ };
    this.items.push(full);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
    return full;
  }

  list(filter: { accountId?: string; since?: number; limit?: number } = {}): Decision[] {
    let out = this.items;
    if (filter.accountId) out = out.filter((d) => d.accountId === filter.accountId);
    if (filter.since) out = out.filter((d) => d.id > filter.since!);
    return out.slice(-(filter.limit ?? 200));
  }

  clear(accountId?: string): void {
    this.items = accountId ? this.items.filter((d) => d.accountId !== accountId) : [];
  }
}

const sourceIp = (addr?: string) => (addr ?? '127.0.0.1').replace(/^::ffff:/, '');

/** Condition keys AWS sets on every request from this principal. */
export function globalContext(
  emulator: Emulator,
  principal: Principal,
  region: string,
  http?: HttpRequest,
): Record<string, string | string[]> {
  const now = emulator.clock.now();
  const ctx: Record<string, string | string[]> = {
    'aws:CurrentTime': new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now / 1000)),
    // The sandbox speaks plain HTTP on loopback where AWS would be reached over TLS: policies written
    // for AWS (deny unless aws:SecureTransport, as the Serverless Framework's bucket policy does) must work as there.
    'aws:SecureTransport': 'true',
    'aws:SourceIp': sourceIp(http?.remoteAddress),
    'aws:RequestedRegion': region,
    'aws:PrincipalAccount': principal.accountId,
    'aws:MultiFactorAuthPresent': 'false',
    'aws:ViaAWSService': 'false',
  };
  if (principal.type === 'user') {
    ctx['aws:PrincipalArn'] = principal.arn;
    ctx['aws:PrincipalType'] = 'User';
    ctx['aws:username'] = principal.userName;
    ctx['aws:userid'] = principal.userId;
  } else if (principal.type === 'assumed-role') {
    ctx['aws:PrincipalArn'] = principal.roleArn;
    ctx['aws:PrincipalType'] = 'AssumedRole';
    ctx['aws:userid'] = `${principal.roleId}:${principal.sessionName}`;
    Object.assign(ctx, principal.webIdentity ?? {});
  } else if (principal.type === 'federated-user') {
    ctx['aws:PrincipalArn'] = principal.arn;
    ctx['aws:PrincipalType'] = 'FederatedUser';
    ctx['aws:userid'] = principal.userId;
  } else if (principal.type === 'root') {
    ctx['aws:PrincipalArn'] = principal.arn;
    ctx['aws:PrincipalType'] = 'Account';
    ctx['aws:userid'] = principal.accountId;
  }
  return ctx;
}

export interface EnforceOptions {
  def: ServiceDefinition<unknown>;
  operation: string;
  region: string;
  http?: HttpRequest;
}

/**
 * Asks IAM about each action the operation needs. Root and the emulator's own service calls pass;
 * IAM users and role sessions are evaluated, and the first denial becomes AWS's AccessDenied error.
 */
export async function enforce(
  emulator: Emulator,
  principal: Principal,
  requests: AuthorizationRequest[],
  opts: EnforceOptions,
): Promise<void> {
  const anonymous = principal.type === 'anonymous' && opts.def.evaluateAnonymous === true;
  if ((!isEnforced(principal) && !anonymous) || requests.length === 0) return;
  // Anonymous callers have no identity policies: only a resource policy can allow them.
  const policies = anonymous ? { identity: [] } : await principalPolicies(emulator, principal);
  // The policy engine loads on the first request that needs it, not at start-up.
  const { evaluate } = await import('./policy.js');
  const base = globalContext(emulator, principal, opts.region, opts.http);
  for (const r of requests) {
    const resourceAccount = r.resourceAccount ?? principal.accountId;
    const ev = await evaluate({
      principal: anonymous ? 'anonymous' : principal.arn,
      principalAccount: principal.accountId,
      action: r.action,
      resource: r.resource,
      resourceAccount,
      policies,
      resourcePolicy: r.resourcePolicy,
      context: { ...base, ...r.context },
    });
    emulator.decisions.add({
      time: new Date(emulator.clock.now()).toISOString(),
      accountId: principal.accountId,
      principal: principal.arn,
      principalType: principal.type,
      service: opts.def.id,
      operation: opts.operation,
      action: r.action,
      resource: r.resource,
      result: ev.result,
      reason: ev.reason,
      statements: ev.statements,
      error: ev.error,
    });
    if (ev.result !== 'Allowed') {
      const code = authErrors(opts.def).accessDenied;
      if (anonymous) throw new AwsError(code.code, 'Access Denied', code.status);
      throw new AwsError(
        code.code,
        `User: ${principal.arn} is not authorized to perform: ${r.action} on resource: ${r.resource} ${ev.reason}`,
        code.status,
      );
    }
  }
}
