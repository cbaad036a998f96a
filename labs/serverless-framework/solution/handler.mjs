// The function behind GET /hello/{name}. An HTTP API calls it with an event in the payload
// format 2.0: the path's {name} is in event.pathParameters.name.
export const hello = async (event) => {
  const name = event.pathParameters?.name ?? 'world';
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: `Hello, ${name}!` }),
  };
};
