import type { NormalizedSchema } from '@smithy/core/schema';
import { AwsError } from '../core/errors.js';
import { members, requiredMemberNames } from './model.js';

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * Checks an input against its schema the way AWS's front ends do before an operation runs:
 * required members present, and each value of the right kind. Throws one AWS validation error
 * listing every problem, in AWS's wording.
 */
export function validateInput(schema: NormalizedSchema, input: unknown, code: string): void {
  const problems: string[] = [];
  walk(schema, input, '', problems, 0);
  if (problems.length) {
    const n = problems.length;
    throw new AwsError(code, `${n} validation error${n > 1 ? 's' : ''} detected: ${problems.join('; ')}`, 400);
  }
}

function walk(ns: NormalizedSchema, value: unknown, path: string, problems: string[], depth: number): void {
  if (depth > 30 || problems.length > 10) return;
  if (value === undefined || value === null) return;
  const at = path || 'input';
  if (ns.isStructSchema() || ns.isUnionSchema()) {
    if (typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array || value instanceof Date) {
      problems.push(`Value at '${at}' failed to satisfy constraint: Member must be a structure`);
      return;
    }
    const obj = value as Record<string, unknown>;
    for (const name of requiredMemberNames(ns)) {
      if (obj[name] === undefined || obj[name] === null) {
        problems.push(`Value null at '${path ? path + '.' : ''}${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
      }
    }
    for (const [name, member] of members(ns)) {
      if (obj[name] !== undefined) walk(member, obj[name], `${path ? path + '.' : ''}${lowerFirst(name)}`, problems, depth + 1);
    }
  } else if (ns.isListSchema()) {
    if (!Array.isArray(value)) {
      problems.push(`Value at '${at}' failed to satisfy constraint: Member must be a list`);
      return;
    }
    const item = ns.getValueSchema();
    value.forEach((v, i) => walk(item, v, `${at}.${i + 1}.member`, problems, depth + 1));
  } else if (ns.isMapSchema()) {
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`Value at '${at}' failed to satisfy constraint: Member must be a map`);
      return;
    }
    const v = ns.getValueSchema();
    for (const [k, item] of Object.entries(value as Record<string, unknown>)) walk(v, item, `${at}.${k}`, problems, depth + 1);
  } else if (ns.isStringSchema()) {
    if (typeof value !== 'string') problems.push(`Value '${String(value).slice(0, 50)}' at '${at}' failed to satisfy constraint: Member must be a string`);
  } else if (ns.isBooleanSchema()) {
    if (typeof value !== 'boolean') problems.push(`Value '${String(value).slice(0, 50)}' at '${at}' failed to satisfy constraint: Member must be a boolean`);
  } else if (ns.isNumericSchema()) {
    if (typeof value !== 'number' || Number.isNaN(value)) problems.push(`Value '${String(value).slice(0, 50)}' at '${at}' failed to satisfy constraint: Member must be a number`);
  } else if (ns.isTimestampSchema()) {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) problems.push(`Value at '${at}' failed to satisfy constraint: Member must be a timestamp`);
  }
}
