/**
 * Worker-thread entry for parsing (run by piscina). It reads, hashes and parses the files it is
 * given and returns plain data: the hash is of the very content it parsed, so a file that changes
 * meanwhile is never cached under another content's hash. A file that fails to parse yields its
 * error message, never a thrown task; one that cannot be read has no hash.
 */
import { readFileSync } from 'node:fs';
import { hashContent } from '../util/hash';
import { extractImports } from './parse-imports';
import type { CachedParse } from './import-cache';

export interface ParseTask {
  /** Absolute paths. */
  files: string[];
}

export interface ParsedFile {
  /** Undefined when the file could not be read. */
  contentHash: string | undefined;
  parse: CachedParse;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function parseFilesNow(files: readonly string[]): ParsedFile[] {
  return files.map((file) => {
    let content: Buffer;
    try {
      content = readFileSync(file);
    } catch (error) {
      return { contentHash: undefined, parse: { error: messageOf(error) } };
    }
    const contentHash = hashContent(content);
    try {
      return { contentHash, parse: extractImports(content.toString('utf8'), file) };
    } catch (error) {
      return { contentHash, parse: { error: messageOf(error) } };
    }
  });
}

export default function parseTask(task: ParseTask): ParsedFile[] {
  return parseFilesNow(task.files);
}
