/**
 * The programmatic API on real Jest 30: `run` streams typed events and resolves to the report;
 * the config's `hooks` module decides the worker count (`workers`) and which files are CPU-bound
 * (`classify`), and each changes what the run does.
 *
 * Concurrency is observed by the test files themselves: each marks itself running in a shared
 * folder, waits (up to a bound) for the whole set to be running at once, and records the most it
 * saw. The assertions are counts, not times.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as CoreSource from '../../packages/core/src/index';
import { cleanup } from './packed';
import { buildCore, CORE_DIST, writeWorkspace } from './everyday-b-workspace';

type CoreApi = typeof CoreSource;

// More files than cores, so CPU-bound files cannot all run at once.
const FILES = Math.max(4, availableParallelism() + 2);

function concurrencyTest(name: string): string {
  return `const { mkdirSync, readdirSync, rmSync, writeFileSync, appendFileSync } = require('node:fs');
const { join } = require('node:path');
const folder = join(__dirname, '..', 'running');
const seenFile = join(__dirname, '..', 'seen.log');

test('${name} waits for its peers', async () => {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, '${name}'), '');
  let most = 0;
  const until = Date.now() + Number(process.env.E2E_WAIT_MS);
  while (Date.now() < until) {
    most = Math.max(most, readdirSync(folder).length);
    if (most >= Number(process.env.E2E_PEERS)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  appendFileSync(seenFile, most + ' ' + process.env.SHARDWISE_WORKER_ID + '\\n');
  rmSync(join(folder, '${name}'));
});
`;
}

function workspaceFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'package.json': JSON.stringify({ name: 'hooks-e2e', private: true }),
    'jest.config.js': "module.exports = { testEnvironment: 'node', testTimeout: 60000 };\n",
    'shardwise.config.json': JSON.stringify({
      strictIsolation: true,
      resourceMonitoring: false,
      hooks: './shardwise.hooks.js',
    }),
    // The hooks read the test's choice from the environment at call time.
    'shardwise.hooks.js': `module.exports = {
  workers: (machine) => Number(process.env.E2E_WORKERS ?? machine.suggested),
  classify: (file) => (file.path.includes('/t') ? process.env.E2E_KIND : 'io'),
};
`,
  };
  for (let i = 1; i <= FILES; i++) files[`tests/t${i}.test.js`] = concurrencyTest(`t${i}`);
  return files;
}

describe('programmatic API and plugin hooks (real Jest)', () => {
  let api: CoreApi;
  let root: string;
  let slotDir: string | undefined;

  beforeAll(() => {
    buildCore();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    api = require(join(CORE_DIST, 'index.js')) as CoreApi;
    root = writeWorkspace('everyday-b-api', workspaceFiles());
    // A slot table of its own: other Shardwise runs on this machine would otherwise share it.
    slotDir = mkdtempSync(join(tmpdir(), 'api-slots-'));
    process.env['SHARDWISE_SLOT_DIR'] = slotDir;
  });
  afterAll(() => cleanup(root, slotDir));

  function seen(): Array<{ most: number; slot: number }> {
    const text = readFileSync(join(root, 'seen.log'), 'utf8');
    cleanup(join(root, 'seen.log'));
    return text
      .trim()
      .split('\n')
      .map((line) => line.split(' ').map(Number))
      .map(([most, slot]) => ({ most: most ?? 0, slot: slot ?? 0 }));
  }

  /** `waitMs` bounds how long a file waits for its peers: long only where all should meet. */
  async function runWith(env: Record<string, string>, waitMs = 2_000) {
    Object.assign(process.env, env, { E2E_PEERS: String(FILES), E2E_WAIT_MS: String(waitMs) });
    const handle = api.run({ workspaceRoot: root, flags: { noCache: true } });
    const events: string[] = [];
    const logs: string[] = [];
    for await (const event of handle) {
      events.push(event.type);
      if (event.type === 'log') logs.push(event.line);
    }
    const { report } = await handle.result;
    const failures = report.files
      .filter((f) => f.status === 'failed' || f.status === 'notRun')
      .map((f) => `${f.path}: ${f.reason ?? f.tests.map((t) => t.failure?.message).join('; ')}`);
    expect(failures, 'every file passes').toEqual([]);
    return { report, events, logs, seen: seen() };
  }

  it('streams typed events and resolves to the report', async () => {
    const { report, events } = await runWith({ E2E_WORKERS: String(FILES), E2E_KIND: 'io' });
    expect(report.summary).toMatchObject({ passed: FILES, failed: 0, files: FILES });
    expect(events.filter((t) => t === 'file-done')).toHaveLength(FILES);
    expect(events.at(-1)).toBe('end');
    expect(readdirSync(join(root, '.shardwise/reports'))).toContain('latest');
    const latest = await api.report({ workspaceRoot: root });
    expect(latest.report.runId).toBe(report.runId);
  });

  it('the workers hook sets the slot count', async () => {
    const one = await runWith({ E2E_WORKERS: '1', E2E_KIND: 'io' });
    expect(one.report.pool).toMatchObject({ maxSlots: 1, reason: 'workers 1 (hooks)' });
    expect(new Set(one.seen.map((s) => s.slot)).size).toBe(1);
    expect(Math.max(...one.seen.map((s) => s.most))).toBe(1);

    const all = await runWith({ E2E_WORKERS: String(FILES), E2E_KIND: 'io' }, 30_000);
    expect(all.report.pool.maxSlots).toBe(FILES);
    // All ran at once: each saw the others running.
    expect(Math.max(...all.seen.map((s) => s.most))).toBe(FILES);
  });

  it('the classify hook keeps CPU-bound files to the CPU slots', async () => {
    const cpu = await runWith({ E2E_WORKERS: String(FILES), E2E_KIND: 'cpu' });
    const line = cpu.logs.find((l) => l.includes('CPU-bound files'));
    const cpuSlots = Number(/at most (\d+) slot/.exec(line ?? '')?.[1]);
    expect(cpuSlots, `no CPU-slots line in ${cpu.logs.join('\n')}`).toBeGreaterThanOrEqual(1);
    expect(cpu.report.summary.passed).toBe(FILES);
    // The pool could run them all at once; CPU-bound, no more than cpuSlots ran together.
    expect(Math.max(...cpu.seen.map((s) => s.most))).toBeLessThanOrEqual(cpuSlots);
    expect(cpuSlots).toBeLessThan(FILES);
  });
});
