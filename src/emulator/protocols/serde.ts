import { JsonCodec, XmlCodec } from '@aws-sdk/core/protocols';
import { fromBase64, toBase64, fromUtf8, toUtf8 } from '@smithy/core/serde';

// Timestamp formats of Smithy schemas: 5 = date-time (ISO 8601), 6 = http-date, 7 = epoch-seconds.
export const TIMESTAMP = { dateTime: 5, httpDate: 6, epochSeconds: 7 } as const;

const serdeContext = {
  base64Decoder: fromBase64,
  base64Encoder: toBase64,
  utf8Decoder: fromUtf8,
  utf8Encoder: toUtf8,
} as const;

export function jsonCodec(options: { jsonName: boolean }): JsonCodec {
  const codec = new JsonCodec({
    timestampFormat: { useTrait: true, default: TIMESTAMP.epochSeconds },
    jsonName: options.jsonName,
  });
  codec.setSerdeContext(serdeContext as never);
  return codec;
}

export function xmlCodec(xmlNamespace: string, serviceNamespace: string): XmlCodec {
  const codec = new XmlCodec({
    timestampFormat: { useTrait: true, default: TIMESTAMP.dateTime },
    xmlNamespace,
    serviceNamespace,
  });
  codec.setSerdeContext(serdeContext as never);
  return codec;
}

export { validateInput } from './validate.js';
