// origin-response: runs when the origin (the S3 bucket) has answered, before CloudFront caches the
// answer. The headers added here are cached with the object, so cache hits carry them too, and the
// function runs only on cache misses. It also runs on the origin's error answers (403, 404).

interface CfResponse {
  status: string;
  statusDescription?: string;
  headers: Record<string, { key?: string; value: string }[]>;
}
interface OriginResponseEvent {
  Records: { cf: { config: { eventType: string }; response: CfResponse } }[];
}

export const handler = async (event: OriginResponseEvent) => {
  const response = event.Records[0].cf.response;
  const headers = response.headers;
  // Browsers: use HTTPS only for this site, for two years.
  headers['strict-transport-security'] = [{ key: 'Strict-Transport-Security', value: 'max-age=63072000; includeSubDomains' }];
  // Browsers: trust the Content-Type, do not guess it.
  headers['x-content-type-options'] = [{ key: 'X-Content-Type-Options', value: 'nosniff' }];
  // Browsers: never show this site inside a frame of another page.
  headers['x-frame-options'] = [{ key: 'X-Frame-Options', value: 'DENY' }];
  return response;
};
