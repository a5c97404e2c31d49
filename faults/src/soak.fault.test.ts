/**
 * CI's soak (contracts §8): a small generated workspace whose outcomes the generator predicts,
 * run six rounds with random source changes between them (tools/src/soak.ts). The first round
 * must give the predicted outcome; in every round the cached run's per-test results must equal a
 * no-cache run's on the same tree. The 50-round soak runs from tools/ (`npm run soak`).
 */
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { runSoak } from '../../tools/src/soak';
import { CLI } from './support/cli';
import { fault } from './support/fault';

describe('soak', () => {
  fault(
    'six rounds of random source changes: cached results equal no-cache results',
    async (ctx) => {
      const outDir = join(ctx.tempDir(), 'soak');
      const result = runSoak({
        outDir,
        rounds: 6,
        seed: 3,
        size: { projects: 3, sourceFiles: 24, testFiles: 9 },
        costScale: 0.1,
        cli: CLI,
        env: { SHARDWISE_FAULT_CASE: ctx.tag },
      });
      ctx.cacheDirs.push(
        join(outDir, 'workspace/.shardwise/cache'),
        join(outDir, 'reference-cache'),
      );
      ctx.stalePasses += result.totals.stalePasses;
      const t = result.totals;
      ctx.notes.push(
        `${result.rounds.length} rounds, ${t.testsCompared} tests compared, ${t.cachedTestsChecked} served from the cache, ${t.mismatches} mismatches, ${t.stalePasses} stale passes`,
      );
      expect(result.firstRoundAsPredicted, JSON.stringify(result.rounds[0])).toBe(true);
      const details = result.rounds.flatMap((r) => r.details.map((d) => `round ${r.round}: ${d}`));
      expect(details).toEqual([]);
      expect(t.mismatches).toBe(0);
      // The soak exercised the cache: later rounds served files from it, and changes broke tests.
      expect(t.cachedFiles).toBeGreaterThan(0);
      expect(result.rounds.some((r) => r.failedTests > 0)).toBe(true);
      await ctx.expectNoOrphans();
    },
    600_000,
  );
});
