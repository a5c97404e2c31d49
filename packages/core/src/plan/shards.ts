/**
 * Stable, timing-balanced shards.
 *
 * Membership is a pure function of the category's files and the committed timings:
 *
 * 1. Every committed timing entry of the category, including entries whose file no longer exists,
 *    is placed by longest-processing-time-first (longest first, path breaks ties) on the least
 *    loaded shard. This is the balanced base; it changes only when the timings file changes.
 * 2. A file without a committed timing (added since the last `timings update`) goes to the less
 *    loaded of two shards picked by hashing its path, judged by the base loads alone, so its
 *    placement depends on nothing but itself and the committed file.
 * 3. Entries whose file is gone are dropped from the output.
 *
 * So adding a file changes exactly one shard, and removing one changes exactly one shard;
 * `timings update` rebalances everything at once, as a reviewed, committed change.
 */
import { createHash } from 'node:crypto';

export interface ShardFile {
  path: string;
  durationMs: number;
  /** True when the duration comes from the committed timings, false when estimated. */
  recorded: boolean;
}

export interface Shard {
  /** 1-based, as in target names `test-unit--shard-1`. */
  index: number;
  files: ShardFile[];
  estimatedMs: number;
}

function pathHash(path: string, salt: number): number {
  return createHash('sha256').update(`${salt}:${path}`).digest().readUInt32BE(0);
}

/**
 * @param files the category's existing test files with durations (recorded or estimated)
 * @param committed committed timings of the category's paths, existing or not
 */
export function assignShards(
  files: readonly ShardFile[],
  committed: ReadonlyMap<string, number>,
  shardCount: number,
): Shard[] {
  const count = Math.max(1, Math.floor(shardCount));
  const baseLoads = new Array<number>(count).fill(0);
  const owner = new Map<string, number>();

  const entries = [...committed].sort(
    (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  );
  for (const [path, ms] of entries) {
    let best = 0;
    for (let i = 1; i < count; i++) if (baseLoads[i]! < baseLoads[best]!) best = i;
    baseLoads[best]! += ms;
    owner.set(path, best);
  }

  const shards: Shard[] = Array.from({ length: count }, (_, i) => ({
    index: i + 1,
    files: [],
    estimatedMs: 0,
  }));
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    let slot = owner.get(file.path);
    if (slot === undefined) {
      const first = pathHash(file.path, 1) % count;
      const second = pathHash(file.path, 2) % count;
      slot = baseLoads[second]! < baseLoads[first]! ? second : first;
    }
    const shard = shards[slot]!;
    shard.files.push(file);
    shard.estimatedMs += file.durationMs;
  }
  return shards;
}

/** max / mean of shard durations: 1.0 is perfect balance. Empty shards count as zero. */
export function shardBalance(shards: readonly Shard[]): number {
  const total = shards.reduce((sum, s) => sum + s.estimatedMs, 0);
  if (total === 0) return 1;
  const max = Math.max(...shards.map((s) => s.estimatedMs));
  return max / (total / shards.length);
}
