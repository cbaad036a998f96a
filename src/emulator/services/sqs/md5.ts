import { createHash } from 'node:crypto';
import type { StoredAttribute } from './state.js';

export const md5Hex = (data: string | Uint8Array): string => createHash('md5').update(data).digest('hex');

function lengthPrefixed(parts: Buffer[], value: Buffer): void {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(value.length);
  parts.push(len, value);
}

/**
 * The MD5 SQS computes over message attributes, which SDKs check on every send and receive:
 * attributes sorted by name, each as length-prefixed name, length-prefixed data type, a transport
 * byte (1 for String and Number types, 2 for Binary) and the length-prefixed value.
 */
export function md5OfAttributes(attributes: Record<string, StoredAttribute> | undefined): string | undefined {
  const names = Object.keys(attributes ?? {}).sort((a, b) => (Buffer.from(a).compare(Buffer.from(b))));
  if (!attributes || names.length === 0) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const a = attributes[name];
    lengthPrefixed(parts, Buffer.from(name, 'utf8'));
    lengthPrefixed(parts, Buffer.from(a.DataType, 'utf8'));
    if (a.DataType.startsWith('Binary')) {
      parts.push(Buffer.from([2]));
      lengthPrefixed(parts, Buffer.from(a.BinaryValue ?? '', 'base64'));
    } else {
      parts.push(Buffer.from([1]));
      lengthPrefixed(parts, Buffer.from(a.StringValue ?? '', 'utf8'));
    }
  }
  return md5Hex(Buffer.concat(parts));
}
