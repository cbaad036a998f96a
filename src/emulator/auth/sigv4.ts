import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { HttpRequest } from '../core/http.js';
import { AwsError } from '../core/errors.js';

/** The parts of a SigV4 signature, from the Authorization header or from a presigned URL's query. */
export interface SigV4Auth {
  accessKeyId: string;
  date: string; // yyyymmdd of the scope
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string; // yyyymmddThhmmssZ
  presigned: boolean;
  expiresSeconds?: number;
  sessionToken?: string;
}

const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-fA-F]+)\s*$/;

/**
 * Reads the SigV4 fields of a request. Returns undefined for an unsigned request; throws an AWS
 * error for an Authorization header that is present but malformed.
 */
export function parseSigV4(req: HttpRequest): SigV4Auth | undefined {
  const header = req.headers['authorization'];
  if (header) {
    const m = AUTH_RE.exec(header.trim());
    if (!m) {
      if (/^AWS4-HMAC-SHA256/.test(header)) {
        throw new AwsError(
          'IncompleteSignature',
          `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters. Authorization=${header.slice(0, 200)}`,
          400,
        );
      }
      if (/^AWS /.test(header)) {
        throw new AwsError('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.', 400);
      }
      throw new AwsError('IncompleteSignature', `Unsupported Authorization header: ${header.slice(0, 80)}`, 400);
    }
    const scope = parseCredential(m[1]);
    const amzDate = req.headers['x-amz-date'] ?? '';
    return {
      ...scope,
      signedHeaders: m[2].toLowerCase().split(';'),
      signature: m[3].toLowerCase(),
      amzDate,
      presigned: false,
      sessionToken: req.headers['x-amz-security-token'],
    };
  }
  const q = new Map(req.query);
  if (q.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256' && q.has('X-Amz-Credential')) {
    const scope = parseCredential(q.get('X-Amz-Credential')!);
    return {
      ...scope,
      signedHeaders: (q.get('X-Amz-SignedHeaders') ?? 'host').toLowerCase().split(';'),
      signature: (q.get('X-Amz-Signature') ?? '').toLowerCase(),
      amzDate: q.get('X-Amz-Date') ?? '',
      presigned: true,
      expiresSeconds: Number(q.get('X-Amz-Expires') ?? '900'),
      sessionToken: q.get('X-Amz-Security-Token'),
    };
  }
  return undefined;
}

function parseCredential(cred: string) {
  const parts = cred.split('/');
  if (parts.length !== 5 || parts[4] !== 'aws4_request' || !parts[0]) {
    throw new AwsError(
      'IncompleteSignature',
      `Credential should be scoped to a valid region and service, like "AKID/20260101/us-east-1/iam/aws4_request". Got: ${cred.slice(0, 120)}`,
      400,
    );
  }
  return { accessKeyId: parts[0], date: parts[1], region: parts[2], service: parts[3] };
}

const sha256hex = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters. */
export function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

function canonicalPath(rawPath: string, escape: boolean): string {
  if (!escape) return rawPath || '/';
  // As AWS's SDKs do for every service but S3: normalise the path, then encode it again.
  const segments: string[] = [];
  for (const seg of rawPath.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const normalized = `${rawPath.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return uriEncode(normalized).replace(/%2F/g, '/') || '/';
}

function canonicalQuery(req: HttpRequest, presigned: boolean): string {
  const pairs: [string, string][] = [];
  for (const part of req.rawQuery ? req.rawQuery.split('&') : []) {
    if (!part) continue;
    const eq = part.indexOf('=');
    const k = decodeLoose(eq < 0 ? part : part.slice(0, eq));
    const v = decodeLoose(eq < 0 ? '' : part.slice(eq + 1));
    if (presigned && k === 'X-Amz-Signature') continue;
    pairs.push([uriEncode(k), uriEncode(v)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function decodeLoose(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const keyCache = new Map<string, Buffer>();

function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\n${date}\n${region}\n${service}`;
  let key = keyCache.get(cacheKey);
  if (!key) {
    const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
    const kRegion = createHmac('sha256', kDate).update(region).digest();
    const kService = createHmac('sha256', kRegion).update(service).digest();
    key = createHmac('sha256', kService).update('aws4_request').digest();
    if (keyCache.size > 1000) keyCache.clear();
    keyCache.set(cacheKey, key);
  }
  return key;
}

export interface VerifyResult {
  ok: boolean;
  /** For a mismatch: what the emulator signed, to help debugging (AWS returns this for S3). */
  canonicalRequest?: string;
  stringToSign?: string;
}

/**
 * Verifies a SigV4 signature with the secret the emulator issued for the key. S3 signs the path
 * as sent; every other service signs it normalised and encoded a second time.
 */
export function verifySigV4(req: HttpRequest, auth: SigV4Auth, secret: string): VerifyResult {
  const escapePath = auth.service !== 's3';
  let payloadHash: string;
  if (auth.presigned) payloadHash = 'UNSIGNED-PAYLOAD';
  else payloadHash = req.headers['x-amz-content-sha256'] ?? sha256hex(req.body);
  const headerLines = auth.signedHeaders.map((h) => {
    const value = h === 'host' && req.headers['host'] === undefined ? '' : (req.headers[h] ?? '');
    return `${h}:${value.trim().replace(/\s+/g, ' ')}\n`;
  });
  const canonicalRequest = [
    req.method,
    canonicalPath(req.rawPath, escapePath),
    canonicalQuery(req, auth.presigned),
    headerLines.join(''),
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', auth.amzDate, scope, sha256hex(canonicalRequest)].join('\n');
  const expected = createHmac('sha256', signingKey(secret, auth.date, auth.region, auth.service))
    .update(stringToSign)
    .digest();
  const given = Buffer.from(auth.signature, 'hex');
  const ok = given.length === expected.length && timingSafeEqual(given, expected);
  return ok ? { ok } : { ok, canonicalRequest, stringToSign };
}

/** Parses X-Amz-Date (yyyymmddThhmmssZ) to epoch milliseconds, or NaN. */
export function parseAmzDate(s: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(s);
  if (!m) return Number.NaN;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
}
