import { createCipheriv, createDecipheriv, createHash, createHmac, pbkdf2Sync, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { CodeRecord, PasswordRecord, StoredPool } from './state.js';
import { makeVerifier } from './srp.js';

/**
 * Password hashes: PBKDF2-SHA256, about a quarter of a millisecond. The SRP verifier that must be
 * kept beside it costs an attacker about as much per guess (one 3072-bit exponentiation), so a
 * slower hash would only slow every sign-in without making the state file any harder to attack.
 */
const ITERATIONS = 1000;

const hashWith = (password: string, salt: string, iterations = ITERATIONS) =>
  pbkdf2Sync(password, Buffer.from(salt, 'base64'), iterations, 32, 'sha256').toString('base64');

export function passwordRecord(poolName: string, userId: string, password: string, temporary: boolean, now: string): PasswordRecord {
  const salt = randomBytes(16).toString('base64');
  const srp = makeVerifier(poolName, userId, password);
  return { salt, hash: hashWith(password, salt), iterations: ITERATIONS, srpSalt: srp.salt, verifier: srp.verifier, setAt: now, temporary };
}

export function passwordMatches(record: Pick<PasswordRecord, 'salt' | 'hash' | 'iterations'>, password: string): boolean {
  const a = Buffer.from(hashWith(password, record.salt, record.iterations), 'base64');
  const b = Buffer.from(record.hash, 'base64');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `salt:hash:iterations` entries of earlier passwords, for PasswordHistorySize. */
export const historyEntry = (r: PasswordRecord): string => `${r.salt}:${r.hash}:${r.iterations}`;
export const inHistory = (history: string[], password: string): boolean =>
  history.some((h) => {
    const [salt, hash, iterations] = h.split(':');
    return passwordMatches({ salt, hash, iterations: Number(iterations) || ITERATIONS }, password);
  });

/** A six-digit code, as Cognito sends; only its hash is kept. */
export function newCode(pool: StoredPool, validMs: number, now: number): { code: string; record: CodeRecord } {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  return { code, record: { hash: codeHash(pool, code), expires: now + validMs, attempts: 0 } };
}

export const codeHash = (pool: StoredPool, code: string): string => createHash('sha256').update(`${pool.secret}:${code}`).digest('base64');

export function codeMatches(pool: StoredPool, record: CodeRecord, code: string): boolean {
  const a = Buffer.from(codeHash(pool, code), 'base64');
  const b = Buffer.from(record.hash, 'base64');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** SECRET_HASH = Base64(HMAC_SHA256(clientSecret, username + clientId)). */
export const secretHash = (clientSecret: string, username: string, clientId: string): string =>
  createHmac('sha256', clientSecret).update(username + clientId).digest('base64');

const keyOf = (pool: StoredPool) => Buffer.from(pool.secret, 'base64');

/**
 * Seals data only the pool can read back (challenge sessions, SRP secret blocks, refresh tokens)
 * as a compact JWE (`dir`, A256GCM), made with node:crypto directly so a sign-in never waits on a
 * thread pool. Its header names the pool, so a call that carries only a session still finds it.
 */
export async function seal(pool: StoredPool, data: object, cty?: string): Promise<string> {
  const header = Buffer.from(JSON.stringify({ ...(cty ? { cty } : {}), enc: 'A256GCM', alg: 'dir', kid: pool.Id })).toString('base64url');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(pool), iv);
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const text = Buffer.concat([cipher.update(JSON.stringify(data)), cipher.final()]);
  return `${header}..${iv.toString('base64url')}.${text.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
}

export async function unseal<T>(pool: StoredPool, sealed: string): Promise<T | undefined> {
  const parts = sealed.split('.');
  if (parts.length !== 5 || parts[1] !== '') return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(pool), Buffer.from(parts[2], 'base64url'));
    decipher.setAAD(Buffer.from(parts[0], 'ascii'));
    decipher.setAuthTag(Buffer.from(parts[4], 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(parts[3], 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

export function poolIdOfSealed(sealed: string): string | undefined {
  try {
    const kid = (JSON.parse(Buffer.from(sealed.split('.')[0], 'base64url').toString('utf8')) as { kid?: unknown }).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

// TOTP (RFC 6238 over RFC 4226): SHA-1, 30-second steps, six digits, the secret in base32.
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

export function fromBase32(text: string): Buffer {
  const clean = text.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = BASE32.indexOf(ch);
    if (i < 0) continue;
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

export const newTotpSecret = (): string => base32(randomBytes(20));

export function hotp(secret: string, counter: number): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const h = createHmac('sha1', fromBase32(secret)).update(msg).digest();
  const off = h[h.length - 1] & 0xf;
  const bin = ((h[off] & 0x7f) << 24) | (h[off + 1] << 16) | (h[off + 2] << 8) | h[off + 3];
  return String(bin % 1_000_000).padStart(6, '0');
}

export const totpStep = (ms: number): number => Math.floor(ms / 30_000);
export const totp = (secret: string, ms: number): string => hotp(secret, totpStep(ms));

/** The step a code belongs to (the current one or a neighbour, for clock drift), or undefined. */
export function totpMatch(secret: string, code: string, ms: number): number | undefined {
  const now = totpStep(ms);
  for (const step of [now, now - 1, now + 1]) if (hotp(secret, step) === code) return step;
  return undefined;
}
