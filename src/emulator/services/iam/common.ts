import { validateIdentityPolicy, validateTrustPolicy } from '@cloud-copilot/iam-policy';
import type { Tag } from '@aws-sdk/client-iam';
import { AwsError } from '../../core/errors.js';
import type { RequestContext } from '../../core/service.js';
import type { IamState } from './state.js';

export const nowIso = (ctx: Pick<RequestContext, 'emulator'>): string => new Date(ctx.emulator.clock.now()).toISOString();
export const date = (iso: string | undefined): Date | undefined => (iso ? new Date(iso) : undefined);

export function iamArn(accountId: string, kind: 'user' | 'group' | 'role' | 'policy' | 'instance-profile', path: string, name: string): string {
  return `arn:aws:iam::${accountId}:${kind}${path}${name}`;
}

export function checkPath(path: string | undefined): string {
  const p = path ?? '/';
  if (!/^\/([\x21-\x7e]*\/)?$/.test(p) || p.length > 512) {
    throw new AwsError(
      'ValidationError',
      'The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.',
      400,
    );
  }
  return p;
}

export function checkName(name: string, member: string, max = 64): void {
  if (!/^[\w+=,.@-]+$/.test(name) || name.length > max) {
    throw new AwsError(
      'ValidationError',
      `1 validation error detected: Value '${name}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
      400,
    );
  }
}

export const noSuchEntity = (message: string) => new AwsError('NoSuchEntity', message, 404);
export const alreadyExists = (message: string) => new AwsError('EntityAlreadyExists', message, 409);
export const deleteConflict = (message: string) => new AwsError('DeleteConflict', message, 409);

/** IAM's pagination: Marker in, IsTruncated and Marker out. The marker is an opaque offset. */
export function paginate<T>(items: T[], marker: string | undefined, maxItems: number | undefined): { page: T[]; IsTruncated: boolean; Marker?: string } {
  const start = marker ? Number.parseInt(Buffer.from(marker, 'base64').toString('utf8'), 10) || 0 : 0;
  const max = maxItems ?? 100;
  if (max < 1 || max > 1000) {
    throw new AwsError('ValidationError', `1 validation error detected: Value '${max}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`, 400);
  }
  const page = items.slice(start, start + max);
  const truncated = start + max < items.length;
  return { page, IsTruncated: truncated, Marker: truncated ? Buffer.from(String(start + max)).toString('base64') : undefined };
}

/** Reads a policy document as IAM does: URL-encoded or not, JSON, and valid for its kind. */
export function checkPolicyDocument(raw: string, kind: 'identity' | 'trust'): string {
  let text = raw;
  if (!text.trimStart().startsWith('{')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      /* leave it; JSON.parse reports the problem */
    }
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new AwsError('MalformedPolicyDocument', 'This policy contains invalid Json', 400);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new AwsError('MalformedPolicyDocument', 'This policy contains invalid Json', 400);
  }
  const problems = kind === 'trust' ? validateTrustPolicy(doc) : validateIdentityPolicy(doc);
  if (problems.length) {
    const first = problems[0];
    const message = /Principal is not allowed/.test(first.message)
      ? 'Policy document should not specify a principal.'
      : /Resource or NotResource is required/.test(first.message)
        ? 'Policy statement must contain resources.'
        : `${first.message} (at ${first.path})`;
    throw new AwsError('MalformedPolicyDocument', message, 400);
  }
  if (text.length > (kind === 'trust' ? 2048 : 6144) * 2) {
    throw new AwsError('LimitExceeded', `Cannot exceed quota for PolicySize: ${kind === 'trust' ? 2048 : 6144}`, 409);
  }
  return kind === 'trust' ? normalizeAccountPrincipals(doc as PolicyDoc) ?? text : text;
}

type PolicyDoc = { Statement?: unknown };

/**
 * IAM stores an account named by its ID (`"AWS": "123456789012"`) as the account's root ARN, and
 * GetRole shows it so: `arn:aws:iam::123456789012:root`. Returns the rewritten document, or
 * undefined when there is nothing to rewrite (the document is then kept as it was sent).
 */
function normalizeAccountPrincipals(doc: PolicyDoc): string | undefined {
  let changed = false;
  const rewrite = (v: unknown): unknown => {
    if (typeof v === 'string' && /^\d{12}$/.test(v)) {
      changed = true;
      return `arn:aws:iam::${v}:root`;
    }
    return Array.isArray(v) ? v.map(rewrite) : v;
  };
  for (const st of [doc.Statement].flat()) {
    for (const key of ['Principal', 'NotPrincipal'] as const) {
      const p = (st as Record<string, unknown> | undefined)?.[key];
      if (p && typeof p === 'object' && 'AWS' in p) (p as Record<string, unknown>).AWS = rewrite((p as Record<string, unknown>).AWS);
    }
  }
  return changed ? JSON.stringify(doc) : undefined;
}

/** Documents go back URL-encoded, as IAM sends them (the SDK hands them over undecoded). */
export const encodeDocument = (doc: string): string => encodeURIComponent(doc);

export function mergeTags(existing: Tag[], incoming: Tag[] | undefined): Tag[] {
  const map = new Map(existing.map((t) => [t.Key!, t.Value ?? '']));
  for (const t of incoming ?? []) map.set(t.Key!, t.Value ?? '');
  if (map.size > 50) throw new AwsError('LimitExceeded', 'The number of tags has reached the maximum limit.', 409);
  return [...map].map(([Key, Value]) => ({ Key, Value }));
}

export const removeTags = (existing: Tag[], keys: string[] | undefined): Tag[] =>
  existing.filter((t) => !(keys ?? []).includes(t.Key!));

export function touch(state: IamState): void {
  state.revision++;
}

export const pathPrefixFilter = <T extends { Path: string }>(items: T[], prefix: string | undefined): T[] =>
  prefix ? items.filter((i) => i.Path.startsWith(prefix)) : items;
