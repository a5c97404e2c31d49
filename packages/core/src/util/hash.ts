import { createHash } from 'node:crypto';

/** Content hashes: sha256, hex. One place so that every key in Shardwise uses the same function. */
export function hashContent(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hash of an ordered list of parts; parts are separated so that ["ab","c"] ≠ ["a","bc"]. */
export function hashParts(parts: readonly string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(String(part.length));
    hash.update(':');
    hash.update(part);
  }
  return hash.digest('hex');
}
