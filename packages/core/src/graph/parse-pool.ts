/**
 * Parses many files, on a piscina pool when there are enough of them to repay starting the
 * threads, inline otherwise. The pool stays behind parseInBatches: callers see plain results, a
 * batch at a time.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import Piscina from 'piscina';
import { parseFilesNow, type ParsedFile, type ParseTask } from './parse-worker';

/** Below this many files a pool costs more to start than it saves. */
const POOL_THRESHOLD = 150;
const BATCH_SIZE = 128;

let pool: Piscina<ParseTask, ParsedFile[]> | undefined;

function workerFile(): string | undefined {
  // The compiled worker sits beside this file; when running from TypeScript sources there is none.
  const file = join(__dirname, 'parse-worker.js');
  return existsSync(file) ? file : undefined;
}

function getPool(filename: string): Piscina<ParseTask, ParsedFile[]> {
  pool ??= new Piscina<ParseTask, ParsedFile[]>({
    filename,
    maxThreads: Math.max(1, availableParallelism()),
    minThreads: 0,
    idleTimeout: 200,
    resourceLimits: { maxOldGenerationSizeMb: 1024 },
  });
  return pool;
}

function usePool(count: number): string | undefined {
  const filename = workerFile();
  return filename !== undefined && (pool !== undefined || count >= POOL_THRESHOLD)
    ? filename
    : undefined;
}

/**
 * Parses the items' files: on the pool once it is running, or when there are enough of them to
 * repay starting it; a few files on an idle process are parsed inline. One promise per batch,
 * each settling with its items and their results as soon as that batch is parsed, so a caller
 * can go on with the first results while the rest are parsed.
 */
export function parseInBatches<T>(
  items: readonly T[],
  absolutePathOf: (item: T) => string,
): Array<Promise<Array<[T, ParsedFile]>>> {
  if (items.length === 0) return [];
  const filename = usePool(items.length);
  const pair = (batch: readonly T[], results: ParsedFile[]) =>
    batch.map((item, i): [T, ParsedFile] => [
      item,
      results[i] ?? { contentHash: undefined, parse: { error: 'no result' } },
    ]);
  if (filename === undefined) {
    return [Promise.resolve(pair(items, parseFilesNow(items.map(absolutePathOf))))];
  }
  const workers = getPool(filename);
  const batches: Array<Promise<Array<[T, ParsedFile]>>> = [];
  for (let i = 0; i < items.length; i += BATCH_SIZE) {
    const batch = items.slice(i, i + BATCH_SIZE);
    batches.push(
      workers.run({ files: batch.map(absolutePathOf) }).then((results) => pair(batch, results)),
    );
  }
  return batches;
}

/** Ends the pool's threads (the CLI calls this before exiting). */
export async function closeParsePool(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.destroy();
}
