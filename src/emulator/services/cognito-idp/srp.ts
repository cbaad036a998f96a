import { createDiffieHellman, createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * SRP-6a as Cognito user pools speak it (USER_SRP_AUTH, then the PASSWORD_VERIFIER challenge):
 * the 3072-bit group of RFC 5054, g = 2, SHA-256, k = H(N | g), x = H(salt | H(poolName | userId ":" password)),
 * a 16-byte key from HKDF(S, u, "Caldera Derived Key"), and a signature HMAC(key, poolName | userId |
 * secret block | timestamp). Numbers travel as hex; hashes take Java's two's-complement byte form.
 */
const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';
export const N = BigInt('0x' + N_HEX);
export const g = 2n;
const N_BYTES = Buffer.from(N_HEX, 'hex');

/** Even-length hex with a leading 00 when the top bit is set, as Java's BigInteger.toByteArray(). */
export function padHex(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2) hex = '0' + hex;
  return /^[89a-f]/i.test(hex) ? '00' + hex : hex;
}

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest();
export const hexHash = (hex: string): string => sha256(Buffer.from(hex, 'hex')).toString('hex');
const toBytes = (n: bigint): Buffer => Buffer.from(padHex(n), 'hex');
const fromBytes = (b: Buffer): bigint => (b.length ? BigInt('0x' + b.toString('hex')) : 0n);

export const k = BigInt('0x' + hexHash(padHex(N) + padHex(g)));

/**
 * base^exp mod N, computed natively: OpenSSL's Diffie-Hellman "shared secret" is exactly that
 * (the peer's public value raised to our private value), tens of times faster than BigInt.
 */
export function modPowN(base: bigint, exp: bigint): bigint {
  const b = ((base % N) + N) % N;
  if (b <= 1n || b >= N - 1n || exp === 0n) return b === 0n ? 0n : b === 1n || exp === 0n ? 1n : slowModPow(b, exp);
  const dh = createDiffieHellman(N_BYTES, Buffer.from([2]));
  dh.setPrivateKey(toBytes(exp));
  return fromBytes(dh.computeSecret(toBytes(b)));
}

function slowModPow(base: bigint, exp: bigint): bigint {
  let r = 1n;
  let b = base % N;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % N;
    e >>= 1n;
    b = (b * b) % N;
  }
  return r;
}

/** The salt and verifier kept for a password: v = g^x mod N. */
export function makeVerifier(poolName: string, userId: string, password: string): { salt: string; verifier: string } {
  const salt = padHex(fromBytes(randomBytes(16)));
  return { salt, verifier: verifierFor(poolName, userId, password, salt).toString(16) };
}

export function verifierFor(poolName: string, userId: string, password: string, saltHex: string): bigint {
  const inner = sha256(`${poolName}${userId}:${password}`).toString('hex');
  const x = BigInt('0x' + hexHash(padHex(BigInt('0x' + saltHex)) + inner));
  return modPowN(g, x);
}

/** The server's ephemeral values for one sign-in: b stays secret (sealed in the secret block), B goes out. */
export function serverEphemeral(verifierHex: string): { b: bigint; B: bigint } {
  const v = BigInt('0x' + verifierHex);
  for (;;) {
    const b = fromBytes(randomBytes(32));
    const B = (k * v + modPowN(g, b)) % N;
    if (B % N !== 0n) return { b, B };
  }
}

/** The 16-byte key both sides derive; undefined for an A the protocol forbids (A mod N = 0). */
export function passwordAuthenticationKey(A: bigint, B: bigint, b: bigint, verifierHex: string): Buffer | undefined {
  if (A % N === 0n) return undefined;
  const u = BigInt('0x' + hexHash(padHex(A) + padHex(B)));
  if (u === 0n) return undefined;
  const v = BigInt('0x' + verifierHex);
  const S = modPowN((A * modPowN(v, u)) % N, b);
  const prk = createHmac('sha256', toBytes(u)).update(toBytes(S)).digest();
  const okm = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])])).digest();
  return okm.subarray(0, 16);
}

export function claimSignature(key: Buffer, poolName: string, userId: string, secretBlock: Buffer, timestamp: string): Buffer {
  return createHmac('sha256', key).update(Buffer.concat([Buffer.from(poolName), Buffer.from(userId), secretBlock, Buffer.from(timestamp)])).digest();
}

export function signatureMatches(expected: Buffer, givenBase64: string): boolean {
  const given = Buffer.from(givenBase64, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Cognito's TIMESTAMP, "Tue Mar 4 09:05:07 UTC 2025" (day not padded), as the client libraries write it. */
export const TIMESTAMP = /^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) ([1-9]|[12]\d|3[01]) ([01]\d|2[0-3]):[0-5]\d:[0-5]\d UTC \d{4}$/;

export function cognitoTimestamp(ms: number): string {
  const d = new Date(ms);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]} ${months[d.getUTCMonth()]} ${d.getUTCDate()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/**
 * The client's side, for tests and benchmarks that want a sign-in without a client library:
 * A for a random a, then the PASSWORD_VERIFIER responses for the server's challenge.
 */
export function clientSession(): { a: bigint; A: bigint } {
  const a = fromBytes(randomBytes(128));
  return { a, A: modPowN(g, a) };
}

export function clientResponses(
  poolName: string,
  password: string,
  session: { a: bigint; A: bigint },
  challenge: { USER_ID_FOR_SRP: string; SRP_B: string; SALT: string; SECRET_BLOCK: string },
  timestamp: string,
): { signature: string } {
  const B = BigInt('0x' + challenge.SRP_B);
  const u = BigInt('0x' + hexHash(padHex(session.A) + padHex(B)));
  const inner = sha256(`${poolName}${challenge.USER_ID_FOR_SRP}:${password}`).toString('hex');
  const x = BigInt('0x' + hexHash(padHex(BigInt('0x' + challenge.SALT)) + inner));
  const gx = modPowN(g, x);
  const base = (((B - k * gx) % N) + N) % N;
  const S = modPowN(base, session.a + u * x);
  const prk = createHmac('sha256', toBytes(u)).update(toBytes(S)).digest();
  const key = createHmac('sha256', prk).update(Buffer.concat([Buffer.from('Caldera Derived Key'), Buffer.from([1])])).digest().subarray(0, 16);
  const sig = claimSignature(key, poolName, challenge.USER_ID_FOR_SRP, Buffer.from(challenge.SECRET_BLOCK, 'base64'), timestamp);
  return { signature: sig.toString('base64') };
}
