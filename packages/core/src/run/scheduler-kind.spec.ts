import { describe, expect, it } from 'vitest';
import { Scheduler, type BatchExecutor, type WorkFile } from './scheduler';

function file(path: string, kind: WorkFile['kind']): WorkFile {
  return {
    path,
    project: 'p',
    projectRoot: 'p',
    category: 'unit',
    shard: 1,
    runner: 'jest',
    command: undefined,
    closureHash: `h-${path}`,
    estimatedMs: 100,
    previouslyFailed: false,
    firstClass: false,
    retries: 0,
    timeoutMs: 60_000,
    quarantined: false,
    kind,
  };
}

/** Holds every batch until the test releases it, and records the most that ran at once. */
function holdingExecutor() {
  const waiting: Array<() => void> = [];
  let running = 0;
  let cpuRunning = 0;
  const peaks = { all: 0, cpu: 0 };
  const executor: BatchExecutor = {
    async execute(batch) {
      const cpu = batch.files[0]?.kind === 'cpu';
      running++;
      if (cpu) cpuRunning++;
      peaks.all = Math.max(peaks.all, running);
      peaks.cpu = Math.max(peaks.cpu, cpuRunning);
      await new Promise<void>((resolve) => waiting.push(resolve));
      running--;
      if (cpu) cpuRunning--;
      return {
        results: batch.files.map((f) => ({
          path: f.path,
          status: 'passed' as const,
          durationMs: 1,
          error: undefined,
          tests: [],
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
  return { executor, waiting, peaks };
}

async function runAll(files: WorkFile[], cpuSlots: number | undefined) {
  const fake = holdingExecutor();
  let next = 1;
  const scheduler = new Scheduler({
    files,
    dependsOn: new Map(),
    executor: fake.executor,
    slots: { tryAcquire: () => next++, acquire: async () => next++, release: () => undefined },
    clock: { now: () => 0, sleep: async () => undefined },
    targetSlots: () => 4,
    failFast: undefined,
    // One file per batch, so concurrency counts files.
    strictIsolation: true,
    ...(cpuSlots === undefined ? {} : { cpuSlots }),
  });
  let settled = false;
  const done = scheduler.run().finally(() => (settled = true));
  // Release batches one at a time until the run ends.
  while (!settled) {
    await new Promise((resolve) => setImmediate(resolve));
    fake.waiting.shift()?.();
  }
  return { outcomes: (await done).outcomes, peaks: fake.peaks };
}

describe('Scheduler with classified files', () => {
  it('runs at most cpuSlots CPU-bound files at once, while I/O-bound files fill the pool', async () => {
    const files = [
      ...['c1', 'c2', 'c3', 'c4'].map((p) => file(p, 'cpu')),
      ...['i1', 'i2', 'i3', 'i4'].map((p) => file(p, 'io')),
    ];
    const { outcomes, peaks } = await runAll(files, 1);
    expect(outcomes.every((o) => o.status === 'passed')).toBe(true);
    expect(peaks.cpu).toBe(1);
    expect(peaks.all).toBe(4);
  });

  it('without classification every file may take a slot', async () => {
    const files = ['c1', 'c2', 'c3', 'c4'].map((p) => file(p, undefined));
    const { peaks } = await runAll(files, 1);
    expect(peaks.all).toBe(4);
  });

  it('CPU-bound files alone take all slots when no limit is given', async () => {
    const files = ['c1', 'c2', 'c3', 'c4'].map((p) => file(p, 'cpu'));
    expect((await runAll(files, undefined)).peaks.cpu).toBe(4);
    expect((await runAll(files, 2)).peaks.cpu).toBe(2);
  });
});
