import { hash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

/** Content hashes: sha256, hex. One place so that every key in Shardwise uses the same function. */
export function hashContent(data: string | Buffer): string {
  return hash('sha256', data, 'hex');
}

/** Reused by hashFile: planning reads tens of thousands of small files in a row. */
let scratch = Buffer.allocUnsafe(1 << 20);

/**
 * The content hash of a file, read into a reused buffer (no Buffer per file, no stat call).
 * Throws as readFileSync does when the file cannot be read.
 */
export function hashFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    let length = 0;
    for (;;) {
      if (length === scratch.length) {
        const larger = Buffer.allocUnsafe(scratch.length * 2);
        scratch.copy(larger);
        scratch = larger;
      }
      const read = readSync(fd, scratch, length, scratch.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return hashContent(scratch.subarray(0, length));
  } finally {
    closeSync(fd);
  }
}

/** Hash of an ordered list of parts; parts are separated so that ["ab","c"] ≠ ["a","bc"]. */
export function hashParts(parts: readonly string[]): string {
  // `length:part` for each part, hashed in one call (the same bytes as one update per piece).
  let text = '';
  for (const part of parts) text += `${part.length}:${part}`;
  return hash('sha256', text, 'hex');
}
