import { existsSync, readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { getCurrentTest } from 'vitest/suite';

/**
 * The recorded AWS responses live beside the course, in ../shared/reference/aws-snapshots (or
 * where AWSLINGS_AWS_SNAPSHOTS points). They are not part of the repository: where they are
 * missing, a test that compares with them is skipped, saying why, rather than failed.
 */
const DIR = [process.env.AWSLINGS_AWS_SNAPSHOTS ?? join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'reference', 'aws-snapshots')].find((d) => existsSync(d));

/**
 * A recorded AWS response from ../shared/reference/aws-snapshots (boto3's view of it), with its
 * ResponseMetadata (the HTTP status). The current test is skipped where the recordings are missing.
 */
export function recorded(file: string, test: string, key: string): Record<string, any> {
  if (!DIR) {
    const note = 'the recorded AWS responses (../shared/reference/aws-snapshots, or AWSLINGS_AWS_SNAPSHOTS) are not on this machine';
    getCurrentTest()?.context.skip(note);
    throw new Error(`Skipped: ${note}`);
  }
  const all = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Record<string, { 'recorded-content': Record<string, unknown> }>;
  const entry = Object.entries(all).find(([k]) => k.endsWith(test));
  if (!entry) throw new Error(`no snapshot ${test} in ${file}`);
  const value = entry[1]['recorded-content'][key] as Record<string, unknown>;
  if (!value) throw new Error(`no key ${key} in snapshot ${test}`);
  return value;
}

/** A recorded AWS response without its ResponseMetadata: what an SDK client's output holds. */
export function snapshot(file: string, test: string, key: string): Record<string, unknown> {
  const { ResponseMetadata: _, ...rest } = recorded(file, test, key);
  return rest;
}

const isPlaceholder = (v: unknown) => typeof v === 'string' && /<[^>]+>/.test(v);

/** Drops the SDK's $metadata and turns Dates into strings, for comparison with a snapshot. */
export function plainOutput(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === '$metadata' ? undefined : v)));
}

/**
 * Checks that `actual` has the snapshot's shape: the same member names at every level (no more, no
 * fewer), lists of the same length, and equal values wherever the snapshot holds a literal rather
 * than a normalised placeholder like "<datetime>".
 */
export function expectSameShape(actual: unknown, expected: unknown, path = '$'): void {
  if (isPlaceholder(expected)) {
    expect(actual, `${path} should be present`).not.toBeUndefined();
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} should be a list`).toBe(true);
    expect((actual as unknown[]).length, `${path} length`).toBe(expected.length);
    expected.forEach((e, i) => expectSameShape((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    expect(actual && typeof actual === 'object', `${path} should be an object`).toBeTruthy();
    const a = actual as Record<string, unknown>;
    expect(Object.keys(a).sort(), `${path} members`).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected)) expectSameShape(a[k], v, `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(expected);
}
