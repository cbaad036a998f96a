// POST /items. The request body arrives as a string in event.body (base64-encoded when
// isBase64Encoded is true); the function decides the status code of the answer.
import { randomUUID } from 'node:crypto';

interface HttpApiEvent {
  routeKey: string; // "POST /items"
  body?: string;
  isBase64Encoded: boolean;
}

const json = (statusCode: number, value: unknown, headers: Record<string, string> = {}) => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(value),
});

export const handler = async (event: HttpApiEvent) => {
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  let item: unknown;
  try {
    item = JSON.parse(text);
  } catch {
    // Without this, JSON.parse would throw, the invocation would fail, and the client would get
    // API Gateway's 500 Internal Server Error instead of a clear 400.
    return json(400, { message: 'The body must be a JSON object.' });
  }
  if (!item || typeof item !== 'object' || Array.isArray(item)) return json(400, { message: 'The body must be a JSON object.' });
  const id = randomUUID();
  // A real service would store the item here (in DynamoDB, say). This one only answers.
  return json(201, { id, item }, { location: `/items/${id}` });
};
