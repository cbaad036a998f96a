import { randomBytes } from 'node:crypto';
import type { HttpRequest } from '../../../core/http.js';
import { VIEWER_LOCATION_HEADER, viewerOf } from '../../cloudfront/edge.js';

/**
 * The headers CloudFront adds in front of an edge-optimized REST API (the default endpoint type):
 * the viewer's country comes from the sandbox's viewer location (see cloudfront/edge.ts).
 */
export function edgeHeaders(req: HttpRequest): [string, string][] {
  const viewer = viewerOf(req.headers[VIEWER_LOCATION_HEADER]);
  const ua = req.headers['user-agent'] ?? '';
  const mobile = /Mobi|Android|iPhone/i.test(ua);
  const tablet = /iPad|Tablet/i.test(ua);
  return [
    ['CloudFront-Forwarded-Proto', 'https'],
    ['CloudFront-Is-Desktop-Viewer', String(!mobile && !tablet)],
    ['CloudFront-Is-Mobile-Viewer', String(mobile)],
    ['CloudFront-Is-SmartTV-Viewer', 'false'],
    ['CloudFront-Is-Tablet-Viewer', String(tablet)],
    ['CloudFront-Viewer-ASN', '16509'],
    ['CloudFront-Viewer-Country', viewer.edge.country],
    ['Via', `2.0 ${randomBytes(16).toString('hex')}.cloudfront.net (CloudFront)`],
    ['X-Amz-Cf-Id', randomBytes(42).toString('base64url').slice(0, 56)],
  ];
}
