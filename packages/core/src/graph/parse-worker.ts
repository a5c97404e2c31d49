/**
 * Worker-thread entry for parsing (run by piscina). It reads and parses the files it is given and
 * returns plain data; a file that fails to parse yields its error message, never a thrown task.
 */
import { readFileSync } from 'node:fs';
import { extractImports } from './parse-imports';
import type { CachedParse } from './import-cache';

export interface ParseTask {
  /** Absolute paths. */
  files: string[];
}

export function parseFilesNow(files: readonly string[]): CachedParse[] {
  return files.map((file) => {
    try {
      return extractImports(readFileSync(file, 'utf8'), file);
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  });
}

export default function parseTask(task: ParseTask): CachedParse[] {
  return parseFilesNow(task.files);
}
