import type { Tag, TagSpecification } from '@aws-sdk/client-ec2';
import { isAwsError } from '../../../core/errors.js';
import { changed, type ProviderContext } from './types.js';

/**
 * What the EC2 providers share (not a provider module: providers/index.ts registers every export of
 * the modules it lists, and this one is not listed).
 */

/** Template values arrive as strings when they come from parameters; the EC2 API wants numbers and booleans. */
export const num = (v: unknown): number | undefined => (v === undefined || v === null || v === '' ? undefined : Number(v));
export const bool = (v: unknown): boolean | undefined => (v === undefined || v === null ? undefined : v === true || String(v).toLowerCase() === 'true');

type CfnTag = { Key: string; Value: string };

const tagsOf = (tags: CfnTag[] | undefined): Tag[] => (tags ?? []).map((t) => ({ Key: String(t.Key), Value: String(t.Value) }));

/** CloudFormation's Tags as a create call's TagSpecifications. */
export const tagSpecs = (resourceType: string, tags: CfnTag[] | undefined): TagSpecification[] | undefined =>
  tags?.length ? [{ ResourceType: resourceType as TagSpecification['ResourceType'], Tags: tagsOf(tags) }] : undefined;

/** Tags are updated in place: the keys the template dropped are deleted, the rest are (re)written. */
export async function syncTags(ctx: ProviderContext, id: string, after: CfnTag[] | undefined, before: CfnTag[] | undefined): Promise<void> {
  if (!changed(after, before)) return;
  const keep = new Set(tagsOf(after).map((t) => t.Key));
  const gone = tagsOf(before).filter((t) => !keep.has(t.Key!));
  if (gone.length) await ctx.call('ec2', 'DeleteTags', { Resources: [id], Tags: gone.map((t) => ({ Key: t.Key })) });
  if (after?.length) await ctx.call('ec2', 'CreateTags', { Resources: [id], Tags: tagsOf(after) });
}

/** A delete that finds the resource already gone has done its job. */
export async function ignoreMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (e) {
    if (!(isAwsError(e) && /NotFound|NotAttached/.test(e.code))) throw e;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Retries a delete while EC2 says something still depends on the resource, as CloudFormation does:
 * resources deleted at the same time (an instance shutting down, a NAT gateway giving back its
 * address) release it a moment later. After `timeoutMs` the last error stands.
 */
export async function whileDependent<T>(fn: () => Promise<T>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      const busy = isAwsError(e) && (e.code === 'DependencyViolation' || e.code === 'InvalidIPAddress.InUse');
      if (!busy || Date.now() > end) throw e;
      await sleep(200);
    }
  }
}

/**
 * Polls until `probe` gives a value, as CloudFormation waits for a resource to stabilize (a NAT
 * gateway available, an instance running). The emulator's transitions take seconds.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 10 * 60_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`${what} did not stabilize within ${Math.round(timeoutMs / 1000)} s.`);
    await sleep(200);
  }
}

/**
 * Runs the rest of a create after the resource exists; if that fails, deletes the resource before
 * the error propagates. The engine records a physical id only once `create` returns, so a resource
 * left half-made here would be missed by the rollback (and, in a VPC, would keep the VPC from going).
 */
export async function orUndo<T>(work: () => Promise<T>, undo: () => Promise<unknown>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    await undo().catch(() => undefined);
    throw e;
  }
}
