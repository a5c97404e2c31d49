import { describe, expect, it } from 'vitest';
import { category, historyRun, ranFile } from './__fixtures__/recorded-runs';
import { estimateCost, formatSavings, savingsOf } from './business-metrics';
import { computeTrends, formatTrends, median, sparkline } from './trends';

describe('savingsOf', () => {
  it('splits the time saved against the serial, uncached baseline into cache and parallelism', () => {
    const runs = [
      // 60 s of tests ran in 20 s of wall time; 120 s more came from the cache.
      historyRun(1, [], {
        wallMs: 20_000,
        categories: {
          unit: category({
            files: 10,
            ranFiles: 4,
            cachedFiles: 6,
            ranMs: 60_000,
            cachedMs: 120_000,
          }),
        },
      }),
      // Everything cached: 0 s ran, 1 s of overhead, 30 s saved by the cache.
      historyRun(2, [], {
        wallMs: 1_000,
        categories: { unit: category({ files: 3, cachedFiles: 3, cachedMs: 30_000 }) },
      }),
    ];
    expect(savingsOf(runs)).toEqual({
      runs: 2,
      baselineMs: 210_000,
      wallMs: 21_000,
      cacheSavedMs: 150_000,
      parallelSavedMs: 39_000,
      totalSavedMs: 189_000,
    });
  });

  it('prices the saved time at the configured rates, and only those', () => {
    const savings = savingsOf([
      historyRun(1, [], {
        wallMs: 0,
        categories: { unit: category({ cachedMs: 3_600_000 }) },
      }),
    ]);
    expect(estimateCost(savings, { ciMinute: 0.008, developerHour: 90, currency: 'EUR' })).toEqual({
      currency: 'EUR',
      ciSaved: 0.48,
      developerSaved: 90,
    });
    const none = estimateCost(savings, {
      ciMinute: undefined,
      developerHour: undefined,
      currency: 'USD',
    });
    expect(none.ciSaved).toBeUndefined();
    const text = formatSavings('All runs', savings, none);
    expect(text).toContain('estimate');
    expect(text).toContain('no rate configured (costs.ciMinute)');
  });
});

describe('trends', () => {
  const runs = [1, 2, 3].map((i) =>
    historyRun(i, [
      ranFile('a.test.ts', 1000 * i),
      ranFile('b.test.ts', 500, i === 3 ? { status: 'flaky', flakyTests: ['b'] } : {}),
    ]),
  );

  it('follows time, cache hit rate and flaky rate per category, run by run', () => {
    const t = computeTrends(runs);
    expect(t.categories.map((c) => c.category)).toEqual(['unit']);
    expect(t.categories[0]?.points.map((p) => [p.ranMs, p.cacheHitRate, p.flakyRate])).toEqual([
      [1500, 0, 0],
      [2500, 0, 0],
      [3500, 0, 0.5],
    ]);
    expect(t.runs.map((r) => r.flakyRate)).toEqual([0, 0, 0.5]);
    const text = formatTrends(t);
    expect(text).toContain('unit');
    expect(text).toContain('▁▅█');
  });

  it('median and sparkline', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(sparkline([1, 1])).toBe('▁▁');
    expect(sparkline([0, 7])).toBe('▁█');
    expect(formatTrends(computeTrends([]))).toContain('No recorded runs');
  });
});
