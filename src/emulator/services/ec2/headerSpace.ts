/**
 * Sets of packet headers, as the Reachability Analyzer reasons about them: unions of boxes over
 * four dimensions (source and destination address, source and destination port), all inclusive
 * ranges of integers. A filter (a network ACL, a security group) keeps part of a set; a path is
 * reachable when some part survives every hop.
 */
export type Range = [number, number];

export interface Box {
  src: Range;
  dst: Range;
  sport: Range;
  dport: Range;
}

export type Dim = keyof Box;
const DIMS: Dim[] = ['src', 'dst', 'sport', 'dport'];

export const ALL_ADDRESSES: Range = [0, 0xffffffff];
export const ALL_PORTS: Range = [0, 65535];

/** A constraint on some dimensions; the others are unconstrained. */
export type Constraint = Partial<Box>;

function intersect(b: Box, c: Constraint): Box | undefined {
  const out = { ...b };
  for (const d of DIMS) {
    const r = c[d];
    if (!r) continue;
    const lo = Math.max(b[d][0], r[0]);
    const hi = Math.min(b[d][1], r[1]);
    if (lo > hi) return undefined;
    out[d] = [lo, hi];
  }
  return out;
}

/** What remains of `b` outside `c`, as disjoint boxes (at most two per constrained dimension). */
function subtract(b: Box, c: Constraint): Box[] {
  if (!intersect(b, c)) return [b];
  const out: Box[] = [];
  let rest = { ...b };
  for (const d of DIMS) {
    const r = c[d];
    if (!r) continue;
    const [lo, hi] = rest[d];
    if (lo < r[0]) out.push({ ...rest, [d]: [lo, r[0] - 1] });
    if (hi > r[1]) out.push({ ...rest, [d]: [r[1] + 1, hi] });
    rest = { ...rest, [d]: [Math.max(lo, r[0]), Math.min(hi, r[1])] };
  }
  return out;
}

const intersectAll = (boxes: Box[], c: Constraint): Box[] => boxes.map((b) => intersect(b, c)).filter((b): b is Box => !!b);
const subtractAll = (boxes: Box[], c: Constraint): Box[] => boxes.flatMap((b) => subtract(b, c));

/**
 * Splits `boxes` by an ordered list of rules, first match wins (a network ACL, longest-prefix
 * routing): each rule gets the part of the space it decides; `rest` is what no rule matched.
 */
export function firstMatch<R>(boxes: Box[], rules: { rule: R; match: Constraint[] }[]): { decided: { rule: R; boxes: Box[] }[]; rest: Box[] } {
  let pending = boxes;
  const decided: { rule: R; boxes: Box[] }[] = [];
  for (const { rule, match } of rules) {
    if (!pending.length) break;
    let hit: Box[] = [];
    for (const c of match) {
      hit = hit.concat(intersectAll(pending, c));
      pending = subtractAll(pending, c);
    }
    if (hit.length) decided.push({ rule, boxes: hit });
  }
  return { decided, rest: pending };
}

/** The values a dimension takes across boxes, merged into sorted disjoint ranges. */
export function projection(boxes: Box[], d: Dim): Range[] {
  const ranges = boxes.map((b) => b[d]).sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

/** Ranges minus other ranges (for "every address but the private ones"). */
export function rangeMinus(ranges: Range[], remove: Range[]): Range[] {
  let out = ranges;
  for (const [lo, hi] of remove) {
    out = out.flatMap(([a, b]) => {
      if (hi < a || lo > b) return [[a, b] as Range];
      const parts: Range[] = [];
      if (a < lo) parts.push([a, lo - 1]);
      if (b > hi) parts.push([hi + 1, b]);
      return parts;
    });
  }
  return out;
}
