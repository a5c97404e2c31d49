/**
 * What every run leaves besides report.json: report.html, a history line, and under the
 * OPTIMIZED_TEST_* switches the scheduling log and the orchestrator's CPU profile.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planWorkspace } from '../api/plan-workspace';
import { resolveConfig } from '../config/load-config';
import { RunHistory } from '../history/run-history';
import type { ResourceSampler } from '../run/resources/resource-sampler';
import { runTests } from '../run/run-tests';
import type { Batch, BatchExecutor } from '../run/scheduler';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import type { ProgressStart } from './live-progress';

afterAll(removeTempWorkspaces);

const executor: BatchExecutor = {
  async execute(batch: Batch) {
    return {
      results: batch.files.map((f) => ({
        path: f.path,
        status: 'passed' as const,
        durationMs: 20,
        error: undefined,
        tests: [{ name: 'case', status: 'passed' as const, durationMs: 5, failure: undefined }],
      })),
      exitCode: 0,
      signal: null,
      timedOut: false,
      cancelled: false,
      stderrTail: '',
    };
  },
  async cancelAll() {},
};

const sampler: ResourceSampler = {
  sample: async () => ({
    t: 0,
    cpu: 0.5,
    memory: 0.3,
    availableMemoryMb: 16_000,
    load: 1,
    disk: undefined,
  }),
};
let nextSlot = 1;
const slotSource = {
  tryAcquire: () => nextSlot++,
  acquire: async () => nextSlot++,
  release: () => undefined,
};

async function run(root: string, env: NodeJS.ProcessEnv) {
  const config = resolveConfig(
    { categories: { unit: {} } },
    { kind: 'defaults', file: '', keyPrefix: '' },
    env,
  );
  const plan = await planWorkspace({ workspaceRoot: root, config, env: {} });
  const debug: string[] = [];
  const starts: ProgressStart[] = [];
  const result = await runTests({
    workspaceRoot: root,
    config,
    plan,
    createExecutor: () => executor,
    sampler,
    slotSource,
    env: {},
    debugLog: (line) => debug.push(line),
    onStart: (start) => starts.push(start),
  });
  return { ...result, debug, starts };
}

describe('run artifacts', () => {
  const root = tempWorkspace({
    'libs/a/project.json': '{"name":"a"}',
    'libs/a/jest.config.js': 'module.exports = {};',
    'libs/a/src/x.test.ts': "it('x', () => {});",
    'libs/a/src/y.test.ts': "it('y', () => {});",
  });

  it('writes report.html beside report.json and appends the run to the history', async () => {
    const first = await run(root, {});
    expect(first.written.html).toBe(join(first.written.dir, 'report.html'));
    const html = readFileSync(first.written.html!, 'utf8');
    expect(html).toContain(`data-figure="summary.files">2<`);
    expect(first.debug).toEqual([]);
    expect(first.starts).toEqual([
      expect.objectContaining({ totalFiles: 2, cachedFiles: 0, maxSlots: expect.any(Number) }),
    ]);

    const second = await run(root, {});
    expect(second.starts[0]).toMatchObject({ totalFiles: 2, cachedFiles: 2, estimatedMs: 0 });
    const history = new RunHistory(join(root, '.shardwise/cache')).read();
    expect(history.runs.map((r) => [r.runId, r.categories['unit']?.cachedFiles])).toEqual([
      [first.report.runId, 0],
      [second.report.runId, 2],
    ]);
    expect(readFileSync(second.written.html!, 'utf8')).toContain('2 recorded run(s)');
  });

  it('OPTIMIZED_TEST_DEBUG_MODE logs the scheduling decisions', async () => {
    const { debug } = await run(root, {
      OPTIMIZED_TEST_DEBUG_MODE: 'true',
    });
    expect(debug[0]).toMatch(/^selection: 2 file\(s\); cache on: 2 served, 0 to run$/);
    expect(debug.some((l) => l.startsWith('pool: '))).toBe(true);
    const fresh = await run(
      tempWorkspace({
        'p/project.json': '{"name":"p"}',
        'p/jest.config.js': 'module.exports = {};',
        'p/src/z.test.ts': "it('z', () => {});",
      }),
      { OPTIMIZED_TEST_DEBUG_MODE: 'true' },
    );
    expect(fresh.debug).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^to run p\/src\/z\.test\.ts: est \d+ms \(estimated\)/),
        expect.stringMatching(/^batch \d+ → slot \d+: jest in p, 1 file\(s\)/),
        expect.stringMatching(/^done p\/src\/z\.test\.ts: passed after 1 attempt\(s\), 20ms/),
      ]),
    );
  });

  it('OPTIMIZED_TEST_PROFILE_EXECUTION writes a CPU profile into the run’s report folder', async () => {
    const { written } = await run(root, { OPTIMIZED_TEST_PROFILE_EXECUTION: 'true' });
    const path = join(written.dir, 'orchestrator.cpuprofile');
    expect(existsSync(path)).toBe(true);
    const profile = JSON.parse(readFileSync(path, 'utf8')) as {
      nodes: unknown[];
      startTime: number;
    };
    expect(profile.nodes.length).toBeGreaterThan(0);
    expect(typeof profile.startTime).toBe('number');
  });
});
