import type { Emulator } from '../../../emulator.js';
import { randomString } from '../../../core/ids.js';

/** What a provider gets: where it runs, and a way to call other services in-process. */
export interface ProviderContext {
  emulator: Emulator;
  accountId: string;
  region: string;
  stackName: string;
  stackId: string;
  logicalId: string;
  /** Calls an operation of another service with typed objects (`emulator.call`), as the stack's account and region. */
  call<O = Record<string, unknown>>(service: string, operation: string, input: object): Promise<O>;
}

export interface ProvisionResult {
  physicalId: string;
  /** Fn::GetAtt values. */
  attributes?: Record<string, unknown>;
  /** `Ref`, when it is not the physical id (SQS queues: the URL is both). */
  ref?: unknown;
}

/**
 * A resource type: how to create, update and delete it, and how its properties update.
 * Properties listed in `replaceOn` need a new resource when they change ("Replacement: True" in
 * CloudFormation's reference); `conditionalOn` ones may ("Conditional"); others update in place.
 */
export interface ResourceProvider {
  type: string;
  /** The service the provider calls; without it in the sandbox, the type cannot be deployed. */
  service: string;
  replaceOn: string[];
  conditionalOn?: string[];
  /**
   * The property that names the resource: when the template sets it, a replacement would clash with
   * the old resource's name, so CloudFormation refuses it. Default: the first `replaceOn` key ending
   * in `Name`; `null` when the type has no such property (an instance's KeyName names its key pair).
   */
  nameProperty?: string | null;
  /** Properties CloudFormation requires. */
  required?: string[];
  create(ctx: ProviderContext, props: Record<string, any>): Promise<ProvisionResult>;
  /** In-place update; when absent, every change replaces the resource. */
  update?(ctx: ProviderContext, physicalId: string, props: Record<string, any>, previous: Record<string, any>, attributes: Record<string, unknown>): Promise<Omit<ProvisionResult, 'physicalId'> | void>;
  delete(ctx: ProviderContext, physicalId: string, props: Record<string, any>, attributes: Record<string, unknown>): Promise<void>;
}

/**
 * A physical name as CloudFormation makes one when the template gives none:
 * `<stack>-<logicalId>-<RANDOM>`, the first two parts shortened to fit the service's limit.
 */
export function physicalName(ctx: Pick<ProviderContext, 'stackName' | 'logicalId'>, options: { max?: number; lower?: boolean; separator?: string } = {}): string {
  const max = options.max ?? 64;
  const sep = options.separator ?? '-';
  const suffix = randomString(12, options.lower ? 'abcdefghijklmnopqrstuvwxyz0123456789' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
  let stack = ctx.stackName;
  let logical = ctx.logicalId;
  const room = max - suffix.length - 2 * sep.length;
  if (stack.length + logical.length > room) {
    const half = Math.floor(room / 2);
    if (logical.length < half) stack = stack.slice(0, room - logical.length);
    else if (stack.length < half) logical = logical.slice(0, room - stack.length);
    else {
      stack = stack.slice(0, half);
      logical = logical.slice(0, room - half);
    }
  }
  const name = `${stack}${sep}${logical}${sep}${suffix}`;
  return options.lower ? name.toLowerCase() : name;
}

/** Policy documents in templates are objects; the APIs take JSON text. */
export const asJson = (doc: unknown): string | undefined => (doc === undefined ? undefined : typeof doc === 'string' ? doc : JSON.stringify(doc));

/** CloudFormation's `[{Key, Value}]` tags, as the APIs that take `{key: value}` maps want them. */
export const tagMap = (tags: { Key: string; Value: string }[] | undefined): Record<string, string> | undefined =>
  tags?.length ? Object.fromEntries(tags.map((t) => [t.Key, String(t.Value)])) : undefined;

export const changed = (a: unknown, b: unknown) => JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
