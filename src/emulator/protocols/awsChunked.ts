import type { HttpRequest } from '../core/http.js';
import { AwsError } from '../core/errors.js';

/**
 * `Content-Encoding: aws-chunked` bodies, which the SDKs send for streamed uploads with a checksum
 * trailer (S3): `<hex size>[;chunk-signature=…]\r\n<bytes>\r\n … 0\r\n<trailer>: <value>\r\n\r\n`.
 * Returns the request with the plain body, the trailers as headers and `aws-chunked` dropped from
 * the content encoding; other requests are returned as they are. Chunk signatures are not checked.
 */
export function decodeAwsChunked(req: HttpRequest): HttpRequest {
  const encoding = req.headers['content-encoding'] ?? '';
  const sha = req.headers['x-amz-content-sha256'] ?? '';
  if (!/(^|,)\s*aws-chunked\s*(,|$)/.test(encoding) && !sha.startsWith('STREAMING-')) return req;
  const body = req.body;
  const parts: Buffer[] = [];
  const headers = { ...req.headers };
  let pos = 0;
  const bad = (why: string) => new AwsError('IncompleteBody', `The request body is not valid aws-chunked encoding: ${why}`, 400);
  for (;;) {
    const eol = body.indexOf('\r\n', pos);
    if (eol < 0) throw bad('a chunk header has no end');
    const size = Number.parseInt(body.subarray(pos, eol).toString('latin1').split(';')[0], 16);
    if (!Number.isFinite(size) || size < 0) throw bad('a chunk size is not hexadecimal');
    pos = eol + 2;
    if (size === 0) break;
    if (pos + size > body.length) throw bad('a chunk is shorter than its size');
    parts.push(body.subarray(pos, pos + size));
    pos += size + 2;
  }
  // Trailers: `name:value` lines up to an empty line (the trailer signature is skipped).
  for (const line of body.subarray(pos).toString('latin1').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name !== 'x-amz-trailer-signature') headers[name] = line.slice(colon + 1).trim();
  }
  const rest = encoding
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e && e !== 'aws-chunked');
  if (rest.length) headers['content-encoding'] = rest.join(', ');
  else delete headers['content-encoding'];
  const decoded = Buffer.concat(parts);
  headers['content-length'] = String(decoded.length);
  return { ...req, headers, body: decoded };
}
