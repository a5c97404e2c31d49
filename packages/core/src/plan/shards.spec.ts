import { describe, expect, it } from 'vitest';
import { assignShards, shardBalance, type Shard, type ShardFile } from './shards';

/** Small seeded generator so the property checks are reproducible. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomSuite(random: () => number, count: number): ShardFile[] {
  return Array.from({ length: count }, (_, i) => ({
    path: `src/${Math.floor(random() * 1e9).toString(36)}-${i}.test.ts`,
    // Skewed durations, as in real suites: most files fast, a few slow outliers.
    durationMs: Math.round(50 + 2000 * random() ** 4 + (random() < 0.03 ? 8000 : 0)),
    recorded: true,
  }));
}

const committedOf = (files: readonly ShardFile[]) =>
  new Map(files.map((f) => [f.path, f.durationMs]));
const membership = (shards: readonly Shard[]) =>
  shards.map((s) => s.files.map((f) => f.path).join('\n'));
const changedShards = (a: readonly Shard[], b: readonly Shard[]) =>
  membership(a).filter((m, i) => m !== membership(b)[i]).length;

describe('assignShards', () => {
  it('balances committed timings (LPT): max/mean within 1.1 on 200 skewed files', () => {
    const random = mulberry32(7);
    for (const count of [2, 4, 8]) {
      const files = randomSuite(random, 200);
      const shards = assignShards(files, committedOf(files), count);
      expect(shards.map((s) => s.index)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
      expect(shards.flatMap((s) => s.files).length).toBe(200);
      expect(shardBalance(shards)).toBeLessThan(1.1);
    }
  });

  it('is a pure function of the files and the committed timings', () => {
    const files = randomSuite(mulberry32(3), 50);
    const shuffled = [...files].reverse();
    expect(membership(assignShards(shuffled, committedOf(shuffled), 4))).toEqual(
      membership(assignShards(files, committedOf(files), 4)),
    );
  });

  it('moves files of at most one shard when a file is added or removed (property, 300 cases)', () => {
    const random = mulberry32(11);
    for (let round = 0; round < 300; round++) {
      const count = 2 + Math.floor(random() * 7);
      const files = randomSuite(random, 5 + Math.floor(random() * 120));
      const committed = committedOf(files);
      const before = assignShards(files, committed, count);

      // Added since the last timings update: no committed entry, an estimated duration.
      const added = { path: `src/new-${round}.test.ts`, durationMs: 400, recorded: false };
      expect(
        changedShards(before, assignShards([...files, added], committed, count)),
      ).toBeLessThanOrEqual(1);

      // Removed (its committed entry stays until the next timings update).
      const removedIndex = Math.floor(random() * files.length);
      const remaining = files.filter((_, i) => i !== removedIndex);
      expect(changedShards(before, assignShards(remaining, committed, count))).toBeLessThanOrEqual(
        1,
      );

      // A removed file that was never committed.
      const withAdded = assignShards([...files, added], committed, count);
      expect(changedShards(withAdded, assignShards(files, committed, count))).toBeLessThanOrEqual(
        1,
      );
    }
  });

  it('spreads files without timings over the shards by path hash', () => {
    const files = Array.from({ length: 400 }, (_, i) => ({
      path: `t/${i}.test.ts`,
      durationMs: 300,
      recorded: false,
    }));
    const shards = assignShards(files, new Map(), 4);
    for (const shard of shards) expect(shard.files.length).toBeGreaterThan(60);
  });

  it('keeps every configured shard, even empty ones, so target names stay stable', () => {
    const shards = assignShards(
      [{ path: 'a.test.ts', durationMs: 10, recorded: true }],
      new Map([['a.test.ts', 10]]),
      3,
    );
    expect(shards.map((s) => s.files.length)).toEqual([1, 0, 0]);
  });
});
