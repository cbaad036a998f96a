import { closeSync, cpSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

let tmpCounter = 0;

/**
 * Writes a file so that a reader, or a process killed at any moment, only ever sees the old
 * content or the new: write a temporary file in the same directory, then rename it over.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, { fsync = false } = {}): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${++tmpCounter}`;
  const fd = openSync(tmp, 'w');
  try {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** Copies a folder's files, skipping node_modules and build output a learner may have made. */
export function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  cpSync(from, to, {
    recursive: true,
    filter: (src) => !/(^|[\\/])(node_modules|\.awslings-build)([\\/]|$)/.test(src.slice(from.length)),
  });
}

export const exists = existsSync;
