import { createHash, randomBytes, randomUUID } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function randomString(length: number, alphabet = ALNUM): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i] % alphabet.length];
  return out;
}

export const requestId = (): string => randomUUID();
export const uuid = (): string => randomUUID();
export const lowerId = (length: number): string => randomString(length, LOWER_ALNUM);
export const upperId = (length: number): string => randomString(length, UPPER_ALNUM);
export const hexId = (length: number): string => randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length);

/**
 * IAM unique ids (AIDA… for users, AROA… for roles, and so on): the prefix and 17 characters, as AWS's are.
 */
export const iamUniqueId = (prefix: 'AIDA' | 'AROA' | 'AGPA' | 'ANPA' | 'AIPA' | 'ANVA' | 'APKA'): string =>
  prefix + upperId(17);

/**
 * Access key ids carry their account, as AWS's do: the 16 characters after the prefix are base32,
 * the first 8 of them the account number. So any key the emulator issued leads straight to its account's
 * state, with no global index to keep in step.
 */
export function accessKeyId(prefix: 'AKIA' | 'ASIA', accountId: string): string {
  let n = BigInt(accountId);
  let acct = '';
  for (let i = 0; i < 8; i++) {
    acct = BASE32[Number(n & 31n)] + acct;
    n >>= 5n;
  }
  return prefix + acct + randomString(8, BASE32);
}

export function accountOfAccessKey(keyId: string): string | undefined {
  if (!/^(AKIA|ASIA)[A-Z2-7]{16}$/.test(keyId)) return undefined;
  let n = 0n;
  for (const ch of keyId.slice(4, 12)) n = (n << 5n) | BigInt(BASE32.indexOf(ch));
  if (n > 999_999_999_999n) return undefined;
  return n.toString().padStart(12, '0');
}

const ACCOUNTS = 1_000_000_000_000n;
const mixOf = (r: bigint): bigint => BigInt('0x' + createHash('sha256').update(r.toString(36)).digest('hex').slice(0, 16)) % ACCOUNTS;

/**
 * A random-looking id of `length` characters of `alphabet` that carries its account, as access
 * keys do: for services whose unsigned calls name only a resource (a Cognito user pool, app
 * client or identity), the id itself leads to the account's state, with no global index to keep.
 * The account is mixed with the random part, so ids of one account share no visible prefix.
 */
export function accountTaggedId(accountId: string, alphabet: string, length: number): string {
  const base = BigInt(alphabet.length);
  const room = base ** BigInt(length) / ACCOUNTS;
  if (room < 1n) throw new Error(`awslings: ${length} characters cannot carry an account`);
  let r = 0n;
  for (const b of randomBytes(16)) r = (r << 8n) | BigInt(b);
  r %= room;
  let n = r * ACCOUNTS + ((BigInt(accountId) + mixOf(r)) % ACCOUNTS);
  let out = '';
  for (let i = 0; i < length; i++) {
    out = alphabet[Number(n % base)] + out;
    n /= base;
  }
  return out;
}

export function accountOfTaggedId(id: string, alphabet: string): string | undefined {
  const base = BigInt(alphabet.length);
  let n = 0n;
  for (const ch of id) {
    const d = alphabet.indexOf(ch);
    if (d < 0) return undefined;
    n = n * base + BigInt(d);
  }
  if (n >= (base ** BigInt(id.length) / ACCOUNTS) * ACCOUNTS) return undefined;
  const account = (((n % ACCOUNTS) - mixOf(n / ACCOUNTS)) % ACCOUNTS + ACCOUNTS) % ACCOUNTS;
  return account.toString().padStart(12, '0');
}

/** Keys shaped like AWS's: these must have been issued by the emulator. */
export const looksLikeAwsKey = (keyId: string): boolean => /^(AKIA|ASIA)/.test(keyId);

export const secretAccessKey = (): string => randomString(40, ALNUM + '+/');
export const sessionToken = (): string => 'IQoJb3JpZ2luX2VjE' + randomBytes(180).toString('base64');
