// viewer-request: runs on every request, before CloudFront looks in its cache.
// /old.html has moved: answer with a permanent redirect to /new.html, without asking the origin.
// Every other request goes on unchanged.

/** The parts of the Lambda@Edge request event this function uses. Header names are lower case. */
interface CfRequest {
  uri: string; // "/old.html"
  querystring: string; // "ref=mail" (without the "?")
  method: string;
  headers: Record<string, { key?: string; value: string }[]>;
}
interface ViewerRequestEvent {
  Records: { cf: { config: { eventType: string }; request: CfRequest } }[];
}

export const handler = async (event: ViewerRequestEvent) => {
  const request = event.Records[0].cf.request;
  if (request.uri === '/old.html') {
    const query = request.querystring ? `?${request.querystring}` : '';
    // Returning a response (it has a status) makes CloudFront answer with it at once.
    return {
      status: '301',
      statusDescription: 'Moved Permanently',
      headers: { location: [{ key: 'Location', value: `/new.html${query}` }] },
    };
  }
  // Returning the request lets CloudFront go on: the cache, then the origin.
  return request;
};
