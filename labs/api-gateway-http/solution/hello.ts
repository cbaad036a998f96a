// GET /hello/{name}. API Gateway calls this function with an HTTP API event (payload format 2.0)
// and turns what it returns into the HTTP response.

/** The parts of the payload 2.0 event this function uses (the event has many more). */
interface HttpApiEvent {
  routeKey: string; // "GET /hello/{name}"
  rawPath: string; // "/hello/Ada"
  pathParameters?: Record<string, string>; // { name: "Ada" }
}

export const handler = async (event: HttpApiEvent) => {
  const name = event.pathParameters?.name ?? 'world';
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: `Hello, ${name}!` }),
  };
};
