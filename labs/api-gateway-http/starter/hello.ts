// GET /hello/{name}. API Gateway calls this function with an HTTP API event (payload format 2.0)
// and turns what it returns into the HTTP response.

/** The parts of the payload 2.0 event this function uses (the event has many more). */
interface HttpApiEvent {
  routeKey: string; // "GET /hello/{name}"
  rawPath: string; // "/hello/Ada"
  pathParameters?: Record<string, string>; // { name: "Ada" }
}

export const handler = async (event: HttpApiEvent) => {
  // TODO: read the name from the path parameters, and answer
  //   statusCode 200, a content-type of application/json, and the body {"message":"Hello, <name>!"}.
  //   The body of a proxy response is a string: JSON.stringify it.
  void event;
  return { statusCode: 501, body: 'TODO' };
};
