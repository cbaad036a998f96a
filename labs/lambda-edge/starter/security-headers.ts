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
  // TODO: add three headers to response.headers. Each key is the header's name in lower case, and
  //       each value a list of { key: <the name as it should be written>, value }:
  //   strict-transport-security: max-age=63072000; includeSubDomains   (HTTPS only, for two years)
  //   x-content-type-options:    nosniff                               (trust the Content-Type)
  //   x-frame-options:           DENY                                  (never inside another page's frame)
  return response;
};
