/**
 * Durations for the proposed shard counts: the committed `shardwise-timings.json` (read by core's
 * `parseTimings`) where it has the file, else core's estimate for a file without a timing.
 */
import { logger, type Tree } from '@nx/devkit';
import { estimateDurationMs, parseTimings, TIMINGS_FILE } from '@shardwise/core';

/** Workspace-relative path → recorded milliseconds; empty when the file is missing or unreadable. */
export function readCommittedTimings(tree: Tree): ReadonlyMap<string, number> {
  if (!tree.exists(TIMINGS_FILE)) return new Map();
  try {
    return parseTimings(tree.read(TIMINGS_FILE, 'utf-8') ?? '');
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
