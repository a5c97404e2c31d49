/**
 * Durations for the proposed shard counts: the committed `shardwise-timings.json` where it has the
 * file, else the same estimate core uses for a file without a timing (core's
 * `estimateDurationMs`, packages/core/src/plan/timings.ts, not exported): 250 ms to start, 25 ms
 * per `it(`/`test(` call (at least one), 1 ms per 100 characters, rounded to 10 ms.
 */
import { logger, type Tree } from '@nx/devkit';
import { TIMINGS_FILE } from '@shardwise/core';

const TEST_CALL = /\b(?:it|test)(?:\.(?:each|only|skip|todo|concurrent|failing))*\s*(?:\(|`)/g;
const ROUNDING_MS = 10;

export function estimateDurationMs(source: string): number {
  const tests = source.match(TEST_CALL)?.length ?? 0;
  const ms = 250 + 25 * Math.max(1, tests) + source.length / 100;
  return Math.max(ROUNDING_MS, Math.round(ms / ROUNDING_MS) * ROUNDING_MS);
}

/** Workspace-relative path → recorded milliseconds; empty when the file is missing or unreadable. */
export function readCommittedTimings(tree: Tree): Map<string, number> {
  if (!tree.exists(TIMINGS_FILE)) return new Map();
  try {
    const parsed = JSON.parse(tree.read(TIMINGS_FILE, 'utf-8') ?? '') as { files?: unknown };
    const files = parsed.files;
    if (files === null || typeof files !== 'object') throw new Error('no "files" object');
    return new Map(
      Object.entries(files as Record<string, unknown>).filter(
        (entry): entry is [string, number] => typeof entry[1] === 'number' && entry[1] >= 0,
      ),
    );
  } catch (error) {
    logger.warn(
      `Shardwise: ${TIMINGS_FILE} is not valid (${(error as Error).message}); estimating every file instead. "npx shardwise timings update" rewrites it.`,
    );
    return new Map();
  }
}

export function estimateFileMs(
  tree: Tree,
  file: string,
  timings: ReadonlyMap<string, number>,
): number {
  return timings.get(file) ?? estimateDurationMs(tree.read(file, 'utf-8') ?? '');
}
