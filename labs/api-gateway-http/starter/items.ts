// POST /items. The request body arrives as a string in event.body (base64-encoded when
// isBase64Encoded is true); the function decides the status code of the answer.
import { randomUUID } from 'node:crypto';

interface HttpApiEvent {
  routeKey: string; // "POST /items"
  body?: string;
  isBase64Encoded: boolean;
}

export const handler = async (event: HttpApiEvent) => {
  // TODO: parse the body as JSON (decode it from base64 first if event.isBase64Encoded).
  // TODO: a body that is not a JSON object gets statusCode 400 and a message, not an exception.
  // TODO: otherwise answer statusCode 201 with the JSON body { "id": <a new id>, "item": <the item> };
  //       randomUUID() makes a new id.
  void event;
  void randomUUID;
  return { statusCode: 501, body: 'TODO' };
};
