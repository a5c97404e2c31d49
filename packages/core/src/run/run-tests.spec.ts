import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planWorkspace } from '../api/plan-workspace';
import { resolveConfig } from '../config/load-config';
import { runReportSchema } from '../report/report-schema';
import type { FileRunResult } from '../runners/types';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import type { ResourceSampler } from './resources/resource-sampler';
import { runTests, type RunFlags } from './run-tests';
import type { Batch, BatchExecutor } from './scheduler';

afterAll(removeTempWorkspaces);

const WORKSPACE = {
  'libs/a/project.json': '{"name":"a"}',
  'libs/a/jest.config.js': 'module.exports = {};',
  'libs/a/src/shared.ts': 'export const shared = 1;',
  'libs/a/src/only-x.ts': 'export const x = 1;',
  'libs/a/src/x.test.ts':
    "import { shared } from './shared'; import { x } from './only-x'; it('x', () => {});",
  'libs/a/src/y.test.ts': "import { shared } from './shared'; it('y', () => {});",
  'libs/a/src/z.int.test.ts': "it('z', () => {});",
};

/** Passes every file it is given, unless the file's source contains FAIL. */
function recordingExecutor(root: string) {
  const ran: string[][] = [];
  const executor: BatchExecutor = {
    async execute(batch: Batch) {
      ran.push(batch.files.map((f) => f.path));
      const results: FileRunResult[] = batch.files.map((f) => {
        const failing = readFileSync(join(root, f.path), 'utf8').includes('FAIL');
        return {
          path: f.path,
          status: failing ? 'failed' : 'passed',
          durationMs: 20,
          error: undefined,
          tests: [
            {
              name: 'case',
              status: failing ? 'failed' : 'passed',
              durationMs: 5,
              failure: failing ? { message: 'expect(1).toBe(2)', stack: undefined } : undefined,
            },
          ],
        };
      });
      return {
        results,
        exitCode: results.some((r) => r.status === 'failed') ? 1 : 0,
        signal: null,
        timedOut: false,
        cancelled: false,
        stderrTail: '',
      };
    },
    async cancelAll() {},
  };
  return { executor, ran: () => ran.flat().sort() };
}

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

async function run(root: string, flags: RunFlags = {}) {
  const config = resolveConfig(
    { categories: { integration: {}, unit: {} } },
    { kind: 'defaults', file: '', keyPrefix: '' },
    {},
  );
  const plan = await planWorkspace({ workspaceRoot: root, config, env: {} });
  const fake = recordingExecutor(root);
  const { report, written } = await runTests({
    workspaceRoot: root,
    config,
    plan,
    flags,
    createExecutor: () => fake.executor,
    sampler,
    slotSource,
    env: {},
  });
  return { report, written, ran: fake.ran() };
}

describe('runTests', () => {
  it('runs everything cold, then serves every file from the cache, then reruns only what a change reaches', async () => {
    const root = tempWorkspace(WORKSPACE);
    const cold = await run(root);
    expect(cold.ran).toEqual([
      'libs/a/src/x.test.ts',
      'libs/a/src/y.test.ts',
      'libs/a/src/z.int.test.ts',
    ]);
    expect(cold.report.summary).toMatchObject({
      passed: 3,
      failed: 0,
      files: 3,
      cachedFiles: 0,
      status: 'complete',
    });

    const warm = await run(root);
    expect(warm.ran).toEqual([]);
    expect(warm.report.summary).toMatchObject({ passed: 3, files: 3, cachedFiles: 3 });
    expect(warm.report.files.every((f) => f.cached && f.attempts === 0)).toBe(true);

    writeFileSync(join(root, 'libs/a/src/only-x.ts'), 'export const x = 2;');
    const changed = await run(root);
    expect(changed.ran).toEqual(['libs/a/src/x.test.ts']);
    expect(changed.report.summary).toMatchObject({ files: 3, cachedFiles: 2 });
  });

  it('never caches a failure, and --no-cache runs everything', async () => {
    const root = tempWorkspace({
      ...WORKSPACE,
      'libs/a/src/y.test.ts': "it('y', () => { /* FAIL */ });",
    });
    const first = await run(root);
    expect(first.report.summary).toMatchObject({ failed: 1, failedFiles: 1, status: 'complete' });
    const second = await run(root);
    // y fails, is retried once (the balanced preset), and is never cached.
    expect(second.ran).toEqual(['libs/a/src/y.test.ts', 'libs/a/src/y.test.ts']);
    const bypass = await run(root, { noCache: true });
    expect(new Set(bypass.ran).size).toBe(3);
  });

  it('writes a report that matches the schema, a JUnit file and the latest pointer', async () => {
    const root = tempWorkspace(WORKSPACE);
    const { report, written } = await run(root, { category: undefined } as RunFlags);
    expect(runReportSchema.parse(JSON.parse(readFileSync(written.json, 'utf8')))).toEqual(report);
    expect(readFileSync(join(root, '.shardwise/reports/latest'), 'utf8').trim()).toBe(report.runId);
    const junit = readFileSync(written.junit, 'utf8');
    expect(junit.match(/<testcase /g)).toHaveLength(3);
    expect(report.samples.length).toBeGreaterThan(0);
  });
});
