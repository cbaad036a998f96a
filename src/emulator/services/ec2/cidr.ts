/**
 * IPv4 addresses and CIDR blocks as unsigned 32-bit numbers: parsing with AWS's strictness,
 * containment, overlap, and the address ranges the reachability analysis reasons about.
 */

export interface Cidr {
  /** First address of the block. */
  base: number;
  prefix: number;
  /** Number of addresses. */
  size: number;
}

export function parseIp(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export const ipToString = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');

/** `10.0.0.0/16` → its block; `strict` also refuses host bits set (`10.0.0.1/16`), as CreateVpc does. */
export function parseCidr(text: string | undefined, strict = false): Cidr | undefined {
  if (!text) return undefined;
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(text.trim());
  if (!m) return undefined;
  const ip = parseIp(m[1]);
  const prefix = Number(m[2]);
  if (ip === undefined || prefix > 32) return undefined;
  const size = 2 ** (32 - prefix);
  const base = prefix === 0 ? 0 : (ip & (~(size - 1) >>> 0)) >>> 0;
  if (strict && base !== ip) return undefined;
  return { base, prefix, size };
}

export const cidrToString = (c: Cidr): string => `${ipToString(c.base)}/${c.prefix}`;

/** The canonical text of a block (host bits cleared), as EC2 stores the CIDRs it is given. */
export const normalizeCidr = (text: string): string | undefined => {
  const c = parseCidr(text);
  return c && cidrToString(c);
};

export const cidrContainsIp = (c: Cidr, ip: number): boolean => ip >= c.base && ip < c.base + c.size;

export const cidrContains = (outer: Cidr, inner: Cidr): boolean =>
  inner.base >= outer.base && inner.base + inner.size <= outer.base + outer.size;

export const cidrsOverlap = (a: Cidr, b: Cidr): boolean => a.base < b.base + b.size && b.base < a.base + a.size;

/** The CIDR blocks that exactly cover [lo, hi], fewest first-to-last, for showing narrowed address sets. */
export function rangeToCidrs(lo: number, hi: number): string[] {
  const out: string[] = [];
  let cur = lo;
  while (cur <= hi) {
    let size = cur === 0 ? 2 ** 32 : 2 ** Math.min(32, countTrailingZeros(cur));
    while (cur + size - 1 > hi) size /= 2;
    out.push(`${ipToString(cur)}/${32 - Math.log2(size)}`);
    cur += size;
    if (cur > 0xffffffff) break;
  }
  return out;
}

function countTrailingZeros(n: number): number {
  let z = 0;
  while (z < 32 && (n & (2 ** z)) === 0) z++;
  return z;
}

/** RFC 1918 private ranges, and RFC 6598 shared address space: internet gateways refuse both as sources. */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c)!);
export const SHARED_RANGE = parseCidr('100.64.0.0/10')!;

/** CIDRs AWS accepts for a VPC: the RFC 1918 ranges, 100.64.0.0/10 and publicly routable blocks, /16 to /28. */
export const VPC_PREFIX_MIN = 16;
export const VPC_PREFIX_MAX = 28;
