/**
 * Parses many files, on a piscina pool when there are enough of them to repay starting the
 * threads, inline otherwise. The pool stays behind this function: callers see plain results.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Piscina from 'piscina';
import type { CachedParse } from './import-cache';
import { parseFilesNow, type ParseTask } from './parse-worker';

/** Below this many files a pool costs more to start than it saves. */
const POOL_THRESHOLD = 150;
const BATCH_SIZE = 64;

let pool: Piscina<ParseTask, CachedParse[]> | undefined;

function workerFile(): string | undefined {
  // The compiled worker sits beside this file; when running from TypeScript sources there is none.
  const file = join(__dirname, 'parse-worker.js');
  return existsSync(file) ? file : undefined;
}

function getPool(filename: string): Piscina<ParseTask, CachedParse[]> {
  pool ??= new Piscina<ParseTask, CachedParse[]>({
    filename,
    maxThreads: Math.max(1, availableParallelism()),
    minThreads: 0,
    idleTimeout: 200,
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
  });
  return pool;
}

export async function parseFiles(absolutePaths: readonly string[]): Promise<CachedParse[]> {
  const filename = workerFile();
  if (absolutePaths.length < POOL_THRESHOLD || filename === undefined) {
    return parseFilesNow(absolutePaths);
  }
  const workers = getPool(filename);
  const batches: Promise<CachedParse[]>[] = [];
  for (let i = 0; i < absolutePaths.length; i += BATCH_SIZE) {
    batches.push(workers.run({ files: absolutePaths.slice(i, i + BATCH_SIZE) }));
  }
  return (await Promise.all(batches)).flat();
}

/** Ends the pool's threads (the CLI calls this before exiting). */
export async function closeParsePool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.destroy();
}
