/**
 * Ctrl-C (SIGINT) and SIGTERM of the `shardwise run` process mid-run: every runner's process
 * group ends (grandchildren included), the report says interrupted and lists the files that did
 * not finish as not run, the exit code is 130 / 143, the cache holds only the files that passed
 * before the signal, and the next run completes, serving exactly those from the cache.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { cacheKeys } from './support/cache-check';
import { describeRun, fileOf, reportOf, runCli, startCli } from './support/cli';
import { fault } from './support/fault';
import { processesTagged, waitFor } from './support/processes';
import { CONFIG, PACKAGE_JSON, nodeHeld, nodePassing } from './support/test-files';

const SIGNALS = [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const;

describe('the orchestrator interrupted mid-run', () => {
  for (const [signal, exitCode] of SIGNALS) {
    fault(`${signal} to shardwise run mid-run`, async (ctx) => {
      const control = ctx.tempDir();
      const root = ctx.workspace({
        'package.json': PACKAGE_JSON('signals'),
        'shardwise.config.json': CONFIG({ runner: 'node', workers: 2 }),
        // Smoke files run first (contracts: smoke before the rest), so they finish before the signal.
        'src/one.smoke.test.js': nodePassing('one'),
        'src/two.smoke.test.js': nodePassing('two'),
        'src/slow-a.test.js': nodeHeld('slow-a'),
        'src/slow-b.test.js': nodeHeld('slow-b'),
        'src/slow-c.test.js': nodeHeld('slow-c'),
      });
      const args = ['run', '--json', '--retries', '0'];
      const run = startCli(root, args, {
        tag: ctx.tag,
        env: { FAULT_CTL: control, FAULT_HOLD: '1' },
      });
      // Both slots hold a slow file: runners, their test processes and grandchildren are alive.
      await waitFor('two slow files running', () => readdirSync(control).length >= 2);
      const alive = processesTagged(ctx.tag);
      expect(alive.length).toBeGreaterThanOrEqual(7);
      process.kill(run.pid, signal);
      const result = await run.done;
      expect(result.code, describeRun(result)).toBe(exitCode);
      expect(result.stderr).toContain(`${signal}: stopping`);
      const report = reportOf(result);
      expect(report.summary.status).toBe('interrupted');
      expect(fileOf(report, 'src/one.smoke.test.js').status).toBe('passed');
      expect(fileOf(report, 'src/two.smoke.test.js').status).toBe('passed');
      const slow = report.files.filter((f) => f.path.includes('slow-'));
      expect(slow.map((f) => f.status)).toEqual(['notRun', 'notRun', 'notRun']);
      expect(report.summary.notRunFiles).toBe(3);
      expect(report.summary.failedFiles).toBe(0);
      // The whole process groups ended with the orchestrator: nothing tagged is left.
      await ctx.expectNoOrphans();
      // Only the two passes reached the cache.
      const cacheDir = join(root, '.shardwise/cache');
      expect(cacheKeys(cacheDir)).toHaveLength(2);

      // The next run works: the interrupted files run (and pass), the passes come from the cache.
      const next = await runCli(root, args, { tag: ctx.tag, env: { FAULT_CTL: control } });
      expect(next.code, describeRun(next)).toBe(0);
      const nextReport = reportOf(next);
      expect(nextReport.summary).toMatchObject({
        status: 'complete',
        cachedFiles: 2,
        failedFiles: 0,
        notRunFiles: 0,
      });
      const cachedPaths = nextReport.files.filter((f) => f.cached).map((f) => f.path);
      expect(cachedPaths.sort()).toEqual(['src/one.smoke.test.js', 'src/two.smoke.test.js']);
      expect(cacheKeys(cacheDir)).toHaveLength(5);
    });
  }

  fault('a second SIGINT (exit at once) and SIGKILL of the orchestrator', async (ctx) => {
    const control = ctx.tempDir();
    const root = ctx.workspace({
      'package.json': PACKAGE_JSON('double-sigint'),
      'shardwise.config.json': CONFIG({ runner: 'node', workers: 2 }),
      'src/one.smoke.test.js': nodePassing('one'),
      'src/slow-a.test.js': nodeHeld('slow-a'),
      'src/slow-b.test.js': nodeHeld('slow-b'),
    });
    const args = ['run', '--json', '--retries', '0'];
    for (const how of ['double SIGINT', 'SIGKILL'] as const) {
      const marks = readdirSync(control).length;
      const run = startCli(root, args, {
        tag: ctx.tag,
        env: { FAULT_CTL: control, FAULT_HOLD: '1' },
      });
      await waitFor(
        `${how}: two slow files running`,
        () => readdirSync(control).length >= marks + 2,
      );
      if (how === 'SIGKILL') process.kill(run.pid, 'SIGKILL');
      else {
        process.kill(run.pid, 'SIGINT');
        process.kill(run.pid, 'SIGINT');
      }
      const result = await run.done;
      if (how === 'SIGKILL') expect(result.signal).toBe('SIGKILL');
      else expect(result.code, describeRun(result)).toBe(130);
      // No cleanup code ran in the orchestrator: the parent-death guards end the groups.
      await ctx.expectNoOrphans();
    }
    const next = await runCli(root, args, { tag: ctx.tag, env: { FAULT_CTL: control } });
    expect(next.code, describeRun(next)).toBe(0);
    expect(reportOf(next).summary).toMatchObject({ status: 'complete', failedFiles: 0 });
  });
});
