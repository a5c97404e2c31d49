import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import { ResultCache, resultCacheKey } from './result-cache';
import { TimingHistory } from './timing-history';

afterAll(removeTempWorkspaces);

const tests = [{ name: 'a > b', status: 'passed' as const, durationMs: 3, failure: null }];

describe('ResultCache', () => {
  it('returns a recorded pass for the same key only, within the TTL', () => {
    const dir = tempWorkspace({});
    let now = 1_000;
    const cache = new ResultCache(dir, 60_000, () => now);
    const key = resultCacheKey('closure', []);
    expect(cache.get(key)).toBeUndefined();
    cache.putPass(key, 'a.test.ts', 120, tests);
    expect(cache.get(key)).toMatchObject({ path: 'a.test.ts', durationMs: 120, tests });
    expect(cache.get(resultCacheKey('closure', ['-t', 'only']))).toBeUndefined();
    expect(cache.get(resultCacheKey('other', []))).toBeUndefined();
    now += 60_001;
    expect(cache.get(key)).toBeUndefined();
    expect(cache.stats().entries).toBe(0);
  });

  it('discards a truncated, foreign or failing entry instead of trusting it', () => {
    const dir = tempWorkspace({});
    const cache = new ResultCache(dir, 60_000, () => 0);
    const key = resultCacheKey('k', []);
    const file = join(dir, 'results', key.slice(0, 2), `${key}.json`);
    mkdirSync(join(dir, 'results', key.slice(0, 2)), { recursive: true });
    for (const content of [
      '{"version":1,"key":"',
      JSON.stringify({
        version: 1,
        key: 'another',
        path: 'a',
        recordedAt: 0,
        durationMs: 1,
        tests,
      }),
      JSON.stringify({
        version: 1,
        key,
        path: 'a',
        recordedAt: 0,
        durationMs: 1,
        tests: [{ ...tests[0], status: 'failed' }],
      }),
    ]) {
      writeFileSync(file, content);
      expect(cache.get(key)).toBeUndefined();
      expect(readdirSync(join(dir, 'results', key.slice(0, 2)))).toEqual([]);
    }
  });
});

describe('TimingHistory', () => {
  it('records moving durations, failures and flaky passes, and reads a corrupt file as empty', () => {
    const dir = tempWorkspace({});
    const history = new TimingHistory(dir);
    history.record([{ path: 'a', durationMs: 1000, status: 'passed' }], 1);
    history.record(
      [
        { path: 'a', durationMs: 2000, status: 'failed' },
        { path: 'b', durationMs: 10, status: 'flaky' },
      ],
      2,
    );
    history.record([{ path: 'a', durationMs: 0, status: 'notRun' }], 3);
    expect(Object.fromEntries(history.read())).toEqual({
      a: { durationMs: 1500, runs: 2, failures: 1, flaky: 0, lastStatus: 'notRun', lastRunAt: 3 },
      b: { durationMs: 10, runs: 1, failures: 0, flaky: 1, lastStatus: 'flaky', lastRunAt: 2 },
    });
    writeFileSync(join(dir, 'history', 'files.json'), '{"version":1,"files":{"a":');
    expect(history.read().size).toBe(0);
  });
});

describe('ResultCache and coverage', () => {
  const coverage = { 'src/a.ts': { m: 'a'.repeat(64), s: { '0': 2 }, f: {}, b: {} } };

  it('keeps coverage runs apart from plain runs and from a pass-through argument "coverage"', () => {
    const plain = resultCacheKey('closure', []);
    const withCoverage = resultCacheKey('closure', [], { coverage: true });
    expect(withCoverage).not.toBe(plain);
    expect(resultCacheKey('closure', ['coverage'])).not.toBe(withCoverage);
    expect(resultCacheKey('closure', ['-t', 'x'], { coverage: true })).not.toBe(withCoverage);
  });

  it('stores a pass with its coverage and reads it back', () => {
    const dir = tempWorkspace({});
    const cache = new ResultCache(dir, 60_000, () => 5);
    const key = resultCacheKey('closure', [], { coverage: true });
    cache.putPass(key, 'src/a.test.ts', 10, tests, coverage);
    expect(cache.get(key)?.coverage).toEqual(coverage);
    cache.putPass(resultCacheKey('closure', []), 'src/a.test.ts', 10, tests);
    expect(cache.get(resultCacheKey('closure', []))?.coverage).toBeUndefined();
  });

  it('reports entries, bytes and the oldest and newest write', () => {
    const dir = tempWorkspace({});
    const cache = new ResultCache(dir, 60_000);
    expect(cache.stats()).toEqual({
      entries: 0,
      bytes: 0,
      oldestMs: undefined,
      newestMs: undefined,
    });
    cache.putPass(resultCacheKey('a', []), 'a.test.ts', 1, tests);
    cache.putPass(resultCacheKey('b', []), 'b.test.ts', 1, tests);
    const stats = cache.stats();
    expect(stats.entries).toBe(2);
    expect(stats.bytes).toBeGreaterThan(0);
    expect(stats.oldestMs).toBeLessThanOrEqual(stats.newestMs!);
  });
});
