import type { Filter, Tag } from '@aws-sdk/client-ec2';
import { AwsError } from '../../core/errors.js';

/** What a filter compares against: one value or several (a resource matches when any of them does). */
export type FilterValue = string | number | boolean | undefined | null | FilterValue[];

/** The filters a Describe operation supports, by AWS's filter name. */
export type FilterSpec<T> = Record<string, (item: T) => FilterValue>;

interface CompiledFilter<T> {
  get: (item: T) => FilterValue;
  test: (value: string) => boolean;
}

/** `*` and `?` are wildcards in EC2 filter values; everything else is literal and case-sensitive. */
function valueMatcher(values: string[]): (value: string) => boolean {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const v of values) {
    if (/[*?]/.test(v)) {
      const re = v.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]');
      patterns.push(new RegExp(`^${re}$`));
    } else exact.add(v);
  }
  if (!patterns.length) return (value) => exact.has(value);
  return (value) => exact.has(value) || patterns.some((p) => p.test(value));
}

function flatten(v: FilterValue, out: string[]): void {
  if (v === undefined || v === null) return;
  if (Array.isArray(v)) for (const x of v) flatten(x, out);
  else out.push(String(v));
}

/**
 * EC2's Filter semantics: filters are ANDed, the values of one filter ORed; `tag:<key>`, `tag-key`
 * and `tag-value` work on every taggable resource; an unknown filter name is refused as AWS does.
 */
export function compileFilters<T>(filters: Filter[] | undefined, spec: FilterSpec<T>, tagsOf?: (item: T) => Tag[] | undefined): (item: T) => boolean {
  if (!filters?.length) return () => true;
  const compiled: CompiledFilter<T>[] = [];
  for (const f of filters) {
    const name = f.Name ?? '';
    let get = spec[name];
    if (!get && tagsOf) {
      if (name.startsWith('tag:')) {
        const key = name.slice(4);
        get = (item) => tagsOf(item)?.filter((t) => t.Key === key).map((t) => t.Value ?? '');
      } else if (name === 'tag-key') get = (item) => tagsOf(item)?.map((t) => t.Key);
      else if (name === 'tag-value') get = (item) => tagsOf(item)?.map((t) => t.Value ?? '');
    }
    if (!get) throw new AwsError('InvalidParameterValue', `The filter '${name}' is invalid`, 400);
    compiled.push({ get, test: valueMatcher(f.Values ?? []) });
  }
  return (item) =>
    compiled.every((c) => {
      const values: string[] = [];
      flatten(c.get(item), values);
      return values.some(c.test);
    });
}

export function applyFilters<T>(items: T[], filters: Filter[] | undefined, spec: FilterSpec<T>, tagsOf?: (item: T) => Tag[] | undefined): T[] {
  if (!filters?.length) return items;
  const keep = compileFilters(filters, spec, tagsOf);
  return items.filter(keep);
}
