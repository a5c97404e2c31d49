/**
 * The result cache and the history under stress: two runs at once on one cache folder, two trees
 * sharing a cache folder where one file passes in one tree and fails in the other, corrupted and
 * truncated cache entries and history. A result is reported cached only when an entry whose key
 * matches the file's hash was read back whole; anything else is discarded and rebuilt.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { cacheKeys } from './support/cache-check';
import { describeRun, reportOf, runCli, startCli, type RunReport } from './support/cli';
import { fault } from './support/fault';
import { CONFIG, PACKAGE_JSON, nodeFailing } from './support/test-files';

function slowPassing(name: string): string {
  return [
    "const { test } = require('node:test');",
    `test('${name} waits', async () => { await new Promise((r) => setTimeout(r, 300)); });`,
    `test('${name} adds', () => { if (1 + 1 !== 2) throw new Error('math'); });`,
    '',
  ].join('\n');
}

/** Per-file statuses, independent of where and when each file ran. */
function statuses(report: RunReport): Record<string, string> {
  return Object.fromEntries(report.files.map((f) => [f.path, f.status]));
}

/** Tests reported passed in `report` that `expectedFailing` says fail in this tree. */
function stalePasses(report: RunReport, expectedFailing: Record<string, string[]>): number {
  let stale = 0;
  for (const file of report.files)
    for (const test of file.tests)
      if (test.status === 'passed' && expectedFailing[file.path]?.includes(test.name)) stale++;
  return stale;
}

const WORKSPACE: Record<string, string> = {
  'package.json': PACKAGE_JSON('cache'),
  'shardwise.config.json': CONFIG({ runner: 'node', workers: 2 }),
  ...Object.fromEntries(
    ['a', 'b', 'c', 'd', 'e'].map((n) => [`src/${n}.test.js`, slowPassing(n)] as const),
  ),
  'src/broken.test.js': nodeFailing('broken'),
};
const EXPECTED = {
  'src/a.test.js': 'passed',
  'src/b.test.js': 'passed',
  'src/c.test.js': 'passed',
  'src/d.test.js': 'passed',
  'src/e.test.js': 'passed',
  'src/broken.test.js': 'failed',
};
const FAILING = { 'src/broken.test.js': ['broken fails'] };

describe('the result cache and history under faults', () => {
  fault('two runs at once on the same workspace and cache folder', async (ctx) => {
    const root = ctx.workspace(WORKSPACE);
    const args = ['run', '--json', '--retries', '0'];
    const both = await Promise.all([
      startCli(root, args, { tag: ctx.tag }).done,
      startCli(root, args, { tag: ctx.tag }).done,
    ]);
    for (const run of both) {
      expect(run.code, describeRun(run)).toBe(1);
      const report = reportOf(run);
      expect(statuses(report)).toEqual(EXPECTED);
      ctx.stalePasses += stalePasses(report, FAILING);
    }
    await ctx.expectNoOrphans();
    const cacheDir = join(root, '.shardwise/cache');
    expect(cacheKeys(cacheDir)).toHaveLength(5);
    // A third run: the passes come from the cache, the failure runs again.
    const third = await runCli(root, args, { tag: ctx.tag });
    const report = reportOf(third);
    expect(third.code, describeRun(third)).toBe(1);
    expect(statuses(report)).toEqual(EXPECTED);
    expect(report.summary.cachedFiles).toBe(5);
    ctx.stalePasses += stalePasses(report, FAILING);
  });

  fault(
    'two trees sharing one cache folder, one file passing in one and failing in the other',
    async (ctx) => {
      const shared = ctx.tempDir();
      ctx.cacheDirs.push(shared);
      const passing = ctx.workspace(WORKSPACE);
      const failing = ctx.copy(passing);
      writeFileSync(join(failing, 'src/a.test.js'), nodeFailing('a'));
      const args = ['run', '--json', '--retries', '0', '--cache-dir', shared];
      const failingExpected = { ...EXPECTED, 'src/a.test.js': 'failed' };
      const failingTests = { ...FAILING, 'src/a.test.js': ['a fails'] };
      for (let round = 1; round <= 2; round++) {
        const [inPassing, inFailing] = await Promise.all([
          startCli(passing, args, { tag: ctx.tag }).done,
          startCli(failing, args, { tag: ctx.tag }).done,
        ]);
        const passingReport = reportOf(inPassing);
        const failingReport = reportOf(inFailing);
        expect(statuses(passingReport), `round ${round}`).toEqual(EXPECTED);
        expect(statuses(failingReport), `round ${round}`).toEqual(failingExpected);
        ctx.stalePasses += stalePasses(passingReport, FAILING);
        ctx.stalePasses += stalePasses(failingReport, failingTests);
        if (round === 2) {
          // Both trees' passes are served from the one folder; the failing tree's a.test.js is not.
          expect(passingReport.summary.cachedFiles).toBe(5);
          expect(failingReport.summary.cachedFiles).toBe(4);
          expect(failingReport.files.find((f) => f.path === 'src/a.test.js')?.cached).toBe(false);
        }
      }
      await ctx.expectNoOrphans();
    },
  );

  fault('corrupted, truncated and foreign result-cache entries and history', async (ctx) => {
    const root = ctx.workspace(WORKSPACE);
    const cacheDir = join(root, '.shardwise/cache');
    const args = ['run', '--json', '--retries', '0'];
    const first = reportOf(await runCli(root, args, { tag: ctx.tag }));
    expect(statuses(first)).toEqual(EXPECTED);
    const keys = cacheKeys(cacheDir);
    expect(keys).toHaveLength(5);
    const entryPath = (key: string) => join(cacheDir, 'results', key.slice(0, 2), `${key}.json`);
    const [truncated, garbage, foreign, failedInside, stale] = keys as [
      string,
      string,
      string,
      string,
      string,
    ];
    const text = readFileSync(entryPath(truncated), 'utf8');
    writeFileSync(entryPath(truncated), text.slice(0, Math.floor(text.length / 2)));
    writeFileSync(entryPath(garbage), Buffer.from([0, 159, 146, 150, 255, 0, 10]));
    // A whole, valid entry under the wrong name: another key's pass must not count for this one.
    const other = JSON.parse(readFileSync(entryPath(failedInside), 'utf8')) as { key: string };
    writeFileSync(entryPath(foreign), JSON.stringify(other));
    // An entry that claims a failed test as a pass.
    const claimed = JSON.parse(readFileSync(entryPath(failedInside), 'utf8')) as {
      tests: Array<{ status: string }>;
    };
    claimed.tests[0]!.status = 'failed';
    writeFileSync(entryPath(failedInside), JSON.stringify(claimed));
    // An entry from the distant past (older than the TTL).
    const old = JSON.parse(readFileSync(entryPath(stale), 'utf8')) as { recordedAt: number };
    old.recordedAt = 0;
    writeFileSync(entryPath(stale), JSON.stringify(old));
    // A stray temporary file of an interrupted write, and a truncated history.
    writeFileSync(`${entryPath(truncated)}.123.abc.tmp`, '{"version":1,');
    const history = join(cacheDir, 'history/files.json');
    writeFileSync(history, readFileSync(history, 'utf8').slice(0, 40));

    const second = await runCli(root, args, { tag: ctx.tag });
    expect(second.code, describeRun(second)).toBe(1);
    const report = reportOf(second);
    expect(statuses(report)).toEqual(EXPECTED);
    // Every tampered entry was discarded: nothing came from the cache.
    expect(report.summary.cachedFiles).toBe(0);
    ctx.stalePasses += stalePasses(report, FAILING);
    // Rebuilt: five whole entries and a history that parses.
    rmSync(`${entryPath(truncated)}.123.abc.tmp`);
    expect(cacheKeys(cacheDir)).toHaveLength(5);
    expect(() => JSON.parse(readFileSync(history, 'utf8'))).not.toThrow();
    const third = reportOf(await runCli(root, args, { tag: ctx.tag }));
    expect(third.summary.cachedFiles).toBe(5);
    expect(statuses(third)).toEqual(EXPECTED);
    await ctx.expectNoOrphans();
  });

  fault('a cache folder that cannot be used', async (ctx) => {
    const root = ctx.workspace(WORKSPACE);
    const cacheDir = join(root, '.shardwise/cache');
    // A file where the results folder should be, and a --cache-dir that names a file.
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(cacheDir, 'results'), 'not a folder');
    writeFileSync(join(root, 'not-a-folder'), 'x');
    for (const args of [[], ['--cache-dir', join(root, 'not-a-folder')]]) {
      const run = await runCli(root, ['run', '--json', ...args], { tag: ctx.tag });
      expect(run.code, describeRun(run)).toBe(2);
      expect(run.stderr).toMatch(/^shardwise: the cache folder .* cannot be used/m);
      expect(run.stderr).not.toMatch(/internal error|^\s+at /m);
      expect(run.stdout).toBe('');
    }
    await ctx.expectNoOrphans();
    // Repaired, the next run works.
    rmSync(join(cacheDir, 'results'));
    const next = await runCli(root, ['run', '--json', '--retries', '0'], { tag: ctx.tag });
    expect(statuses(reportOf(next))).toEqual(EXPECTED);
  });
});
