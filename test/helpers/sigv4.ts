import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Credentials } from './emulator.js';

const bytes = (d: string | ArrayBuffer | ArrayBufferView) =>
  typeof d === 'string' ? d : d instanceof ArrayBuffer ? new Uint8Array(d) : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

/** SHA-256 (keyed: HMAC) in the shape SignatureV4 wants. */
export class Sha256 {
  private readonly h;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.h = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView) {
    this.h.update(bytes(data));
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}

/**
 * A fetch signed with SigV4 for `service` (as a function URL with AuthType AWS_IAM or an
 * IAM-authorized API wants it). The Host header signed is the URL's.
 */
export async function signedFetch(
  url: string,
  o: { service: string; credentials: Credentials; method?: string; body?: string; headers?: Record<string, string>; region?: string },
): Promise<Response> {
  const u = new URL(url);
  const signer = new SignatureV4({ service: o.service, region: o.region ?? 'us-east-1', credentials: o.credentials, sha256: Sha256 });
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => (query[k] = v));
  const signed = await signer.sign({
    method: o.method ?? 'GET',
    protocol: u.protocol,
    hostname: u.hostname,
    port: Number(u.port) || undefined,
    path: u.pathname,
    query,
    headers: { host: u.host, ...(o.headers ?? {}) },
    body: o.body,
  });
  const headers = { ...(signed.headers as Record<string, string>) };
  delete headers.host;
  return fetch(url, { method: o.method ?? 'GET', headers, body: o.body });
}
