/**
 * Faults inside a runner child: killed with SIGKILL mid-file, out of memory, a test that never
 * ends, a test that calls process.exit. Each case: the file is failed (never passed, never
 * cached), the other files keep their results, the run ends, no process is left.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { cacheKeys } from './support/cache-check';
import { describeRun, fileOf, reportOf, runCli, startCli } from './support/cli';
import { fault } from './support/fault';
import {
  CONFIG,
  JEST_CONFIG,
  PACKAGE_JSON,
  VITEST_CONFIG,
  nodeHeld,
  nodePassing,
} from './support/test-files';

interface HeldPids {
  test: number;
  parent: number;
  sleeper: number;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

/** The runner process of a held test: its parent, unless the test runs in the runner itself. */
function runnerPid(pids: HeldPids): number {
  return cmdline(pids.parent).includes('child-guard') ? pids.test : pids.parent;
}

describe('faults in a runner child', () => {
  fault('a node:test runner killed with SIGKILL mid-file', async (ctx) => {
    const control = ctx.tempDir();
    const root = ctx.workspace({
      'package.json': PACKAGE_JSON('sigkill'),
      'shardwise.config.json': CONFIG({ runner: 'node', workers: 2 }),
      'src/a.test.js': nodePassing('a'),
      'src/b.test.js': nodePassing('b'),
      'src/victim.test.js': nodeHeld('victim'),
    });
    const run = startCli(root, ['run', '--json', '--retries', '0'], {
      tag: ctx.tag,
      env: { FAULT_CTL: control, FAULT_HOLD: '1' },
    });
    // Every attempt at the victim is killed: the batch it was in, and its run alone after.
    const killed = new Set<string>();
    let finished = false;
    void run.done.then(() => (finished = true));
    const killer = (async () => {
      while (!finished) {
        for (const marker of readdirSync(control).filter((f) => !killed.has(f))) {
          killed.add(marker);
          const pids = JSON.parse(readFileSync(join(control, marker), 'utf8')) as HeldPids;
          process.kill(runnerPid(pids), 'SIGKILL');
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const result = await run.done;
    await killer;
    ctx.notes.push(`victim killed ${killed.size} time(s)`);
    expect(killed.size, describeRun(result)).toBeGreaterThan(0);
    expect(result.code, describeRun(result)).toBe(1);
    const report = reportOf(result);
    const victim = fileOf(report, 'src/victim.test.js');
    expect(victim.status).toBe('failed');
    expect(victim.failureCategory).toBe('crash');
    expect(fileOf(report, 'src/a.test.js').status).toBe('passed');
    expect(fileOf(report, 'src/b.test.js').status).toBe('passed');
    expect(report.summary).toMatchObject({ failedFiles: 1, status: 'complete' });
    await ctx.expectNoOrphans();
    // Only the two passes are cached.
    expect(cacheKeys(join(root, '.shardwise/cache'))).toHaveLength(2);
  });

  fault('a warm Vitest runner killed with SIGKILL mid-file', async (ctx) => {
    const control = ctx.tempDir();
    const root = ctx.workspace({
      'package.json': PACKAGE_JSON('sigkill-vitest'),
      'shardwise.config.json': CONFIG({ workers: 1 }),
      'vitest.config.mts': VITEST_CONFIG,
      'src/a.test.ts': "import { expect, it } from 'vitest';\nit('a', () => expect(1).toBe(1));\n",
      'src/victim.test.ts': [
        "import { it } from 'vitest';",
        "import { spawn } from 'node:child_process';",
        "import { writeFileSync } from 'node:fs';",
        "import { join } from 'node:path';",
        "it('holds', async () => {",
        "  const sleeper = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
        "  writeFileSync(join(process.env.FAULT_CTL!, 'victim-' + process.pid + '.json'),",
        '    JSON.stringify({ test: process.pid, parent: process.ppid, sleeper: sleeper.pid }));',
        '  await new Promise((resolve) => setTimeout(resolve, 120_000));',
        '}, 200_000);',
        '',
      ].join('\n'),
    });
    const run = startCli(root, ['run', '--json', '--retries', '0'], {
      tag: ctx.tag,
      env: { FAULT_CTL: control },
    });
    const killed = new Set<string>();
    let finished = false;
    void run.done.then(() => (finished = true));
    const killer = (async () => {
      while (!finished) {
        for (const marker of readdirSync(control).filter((f) => !killed.has(f))) {
          killed.add(marker);
          const pids = JSON.parse(readFileSync(join(control, marker), 'utf8')) as HeldPids;
          process.kill(runnerPid(pids), 'SIGKILL');
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const result = await run.done;
    await killer;
    expect(killed.size, describeRun(result)).toBeGreaterThan(0);
    expect(result.code, describeRun(result)).toBe(1);
    const report = reportOf(result);
    expect(fileOf(report, 'src/victim.test.ts').status).toBe('failed');
    expect(fileOf(report, 'src/victim.test.ts').failureCategory).toBe('crash');
    expect(fileOf(report, 'src/a.test.ts').status).toBe('passed');
    await ctx.expectNoOrphans();
    expect(cacheKeys(join(root, '.shardwise/cache'))).toHaveLength(1);
  });

  fault('a test file that exhausts memory (OPTIMIZED_TEST_MEMORY_PER_WORKER=96)', async (ctx) => {
    const root = ctx.workspace({
      'package.json': PACKAGE_JSON('oom'),
      'shardwise.config.json': CONFIG({ runner: 'node', workers: 2 }),
      'src/ok.test.js': nodePassing('ok'),
      'src/hog.test.js': [
        "const { test } = require('node:test');",
        "test('hogs memory', () => { const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random())); });",
        '',
      ].join('\n'),
    });
    const result = await runCli(root, ['run', '--json', '--retries', '0'], {
      tag: ctx.tag,
      env: { OPTIMIZED_TEST_MEMORY_PER_WORKER: '96' },
      timeoutMs: 120_000,
    });
    expect(result.timedOut, describeRun(result)).toBe(false);
    expect(result.code, describeRun(result)).toBe(1);
    const report = reportOf(result);
    const hog = fileOf(report, 'src/hog.test.js');
    expect(hog.status).toBe('failed');
    expect(hog.failureCategory).toBe('crash');
    expect(JSON.stringify(hog.tests)).toMatch(/heap|memory|SIGABRT/i);
    expect(fileOf(report, 'src/ok.test.js').status).toBe('passed');
    await ctx.expectNoOrphans();
    expect(cacheKeys(join(root, '.shardwise/cache'))).toHaveLength(1);
  });

  fault('a test that never ends (per-file timeout)', async (ctx) => {
    const control = ctx.tempDir();
    const root = ctx.workspace({
      'package.json': PACKAGE_JSON('hang'),
      'shardwise.config.json': CONFIG({ runner: 'node', workers: 2 }),
      'src/ok.test.js': nodePassing('ok'),
      // Held for ever: only the per-file timeout ends it (and its grandchild).
      'src/forever.test.js': nodeHeld('forever', 2_147_483_647),
    });
    const result = await runCli(root, ['run', '--json', '--retries', '0', '--timeout', '4000'], {
      tag: ctx.tag,
      env: { FAULT_CTL: control, FAULT_HOLD: '1' },
      timeoutMs: 120_000,
    });
    expect(result.timedOut, describeRun(result)).toBe(false);
    expect(result.code, describeRun(result)).toBe(1);
    const report = reportOf(result);
    const forever = fileOf(report, 'src/forever.test.js');
    expect(forever.status).toBe('failed');
    expect(forever.failureCategory).toBe('timeout');
    expect(fileOf(report, 'src/ok.test.js').status).toBe('passed');
    expect(readdirSync(control).length).toBeGreaterThan(0);
    await ctx.expectNoOrphans();
    expect(cacheKeys(join(root, '.shardwise/cache'))).toHaveLength(1);
  });

  fault('a test that calls process.exit (node:test, Vitest, Jest)', async (ctx) => {
    const exitingCases = (imports: string) =>
      [
        imports,
        "it('first passes', () => expect(1).toBe(1));",
        "it('exits', () => { process.exit(0); });",
        "it('would fail', () => expect(1).toBe(2));",
        '',
      ].join('\n');
    const root = ctx.workspace({
      'package.json': PACKAGE_JSON('exit'),
      'shardwise.config.json': CONFIG({ workers: 2 }),
      // A node:test project is told by its package.json "test" script.
      'node/package.json': `${JSON.stringify({ name: 'node-exit', private: true, scripts: { test: 'node --test' } })}\n`,
      'node/src/ok.test.js': nodePassing('ok'),
      // Exits after its first test has reported: node --test passes such a file with one test.
      'node/src/late-exit.test.js': [
        "const { test } = require('node:test');",
        "const assert = require('node:assert');",
        "test('first passes', async () => { await new Promise((r) => setTimeout(r, 100)); assert.equal(1, 1); });",
        "test('exits', async () => { await new Promise((r) => setTimeout(r, 100)); process.exit(0); });",
        "test('would fail', () => assert.equal(1, 2));",
        '',
      ].join('\n'),
      'node/src/exit.test.js': [
        "const { test } = require('node:test');",
        "const assert = require('node:assert');",
        "test('first passes', () => assert.equal(1, 1));",
        "test('exits', () => { process.exit(0); });",
        "test('would fail', () => assert.equal(1, 2));",
        '',
      ].join('\n'),
      'vitest/package.json': PACKAGE_JSON('vitest-exit'),
      'vitest/vitest.config.mts': VITEST_CONFIG,
      'vitest/src/ok.test.ts':
        "import { expect, it } from 'vitest';\nit('ok', () => expect(1).toBe(1));\n",
      'vitest/src/exit.test.ts': exitingCases("import { expect, it } from 'vitest';"),
      'jest/package.json': PACKAGE_JSON('jest-exit'),
      'jest/jest.config.js': JEST_CONFIG,
      'jest/src/ok.test.js': "it('ok', () => expect(1).toBe(1));\n",
      'jest/src/exit.test.js': exitingCases(''),
    });
    const args = ['run', '--json', '--retries', '0'];
    const first = await runCli(root, args, { tag: ctx.tag, timeoutMs: 120_000 });
    expect(first.code, describeRun(first)).toBe(1);
    const report = reportOf(first);
    expect(fileOf(report, 'node/src/late-exit.test.js').status).toBe('failed');
    for (const project of ['node', 'vitest', 'jest']) {
      const ext = project === 'vitest' ? 'ts' : 'js';
      const exiting = fileOf(report, `${project}/src/exit.test.${ext}`);
      expect(exiting.status, `${project}: ${JSON.stringify(exiting)}`).toBe('failed');
      expect(fileOf(report, `${project}/src/ok.test.${ext}`).status).toBe('passed');
    }
    await ctx.expectNoOrphans();
    // The exiting files are not cached: a second run runs them again and fails again.
    const second = await runCli(root, args, { tag: ctx.tag, timeoutMs: 120_000 });
    expect(second.code, describeRun(second)).toBe(1);
    const again = reportOf(second);
    expect(again.summary.cachedFiles).toBe(3);
    expect(
      again.files.filter((f) => f.path.includes('exit.test') && f.status !== 'failed'),
    ).toEqual([]);
    expect(again.files.filter((f) => f.path.includes('exit.test')).every((f) => !f.cached)).toBe(
      true,
    );
    expect(existsSync(join(root, '.shardwise/cache'))).toBe(true);
  });
});
