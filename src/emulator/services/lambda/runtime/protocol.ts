/**
 * The frames the emulator and an execution environment exchange (see bootstrap.mjs, which holds the
 * child's side): [type: 1 byte][meta length: u32 BE][body length: u32 BE][meta JSON][body bytes].
 * Payloads travel as raw bytes in the body, so the emulator never parses an event or a result.
 */
export type FrameType =
  | 'I' // init
  | 'V' // invoke
  | 'R' // ready after init
  | 'F' // init failed
  | 'C' // console line (one log event)
  | 'O' // raw stdout/stderr text
  | 'D' // invocation done
  | 'E' // invocation failed
  | 'P'; // the event is not JSON

export interface Frame {
  type: FrameType;
  meta: Record<string, any>;
  body: Buffer;
}

const HEADER = 9;
const EMPTY = Buffer.alloc(0);

export function encodeFrame(type: FrameType, meta?: object, body?: Uint8Array): Buffer[] {
  const metaBuf = meta ? Buffer.from(JSON.stringify(meta)) : EMPTY;
  const bodyBuf = body ?? EMPTY;
  const head = Buffer.allocUnsafe(HEADER);
  head[0] = type.charCodeAt(0);
  head.writeUInt32BE(metaBuf.length, 1);
  head.writeUInt32BE(bodyBuf.byteLength, 5);
  return [head, metaBuf, Buffer.from(bodyBuf.buffer, bodyBuf.byteOffset, bodyBuf.byteLength)];
}

/** Reassembles frames from a byte stream. */
export class FrameReader {
  private buf: Buffer = EMPTY;

  constructor(private readonly onFrame: (frame: Frame) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    while (this.buf.length >= HEADER) {
      const metaLen = this.buf.readUInt32BE(1);
      const bodyLen = this.buf.readUInt32BE(5);
      const total = HEADER + metaLen + bodyLen;
      if (this.buf.length < total) return;
      const type = String.fromCharCode(this.buf[0]) as FrameType;
      const meta = metaLen ? (JSON.parse(this.buf.subarray(HEADER, HEADER + metaLen).toString('utf8')) as Record<string, unknown>) : {};
      // Copy the body out, so the rest of the chunk can be released.
      const body = Buffer.from(this.buf.subarray(HEADER + metaLen, total));
      this.buf = total === this.buf.length ? EMPTY : this.buf.subarray(total);
      this.onFrame({ type, meta, body });
    }
  }
}
