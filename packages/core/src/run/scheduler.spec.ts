import { describe, expect, it } from 'vitest';
import type { FileRunResult } from '../runners/types';
import {
  Scheduler,
  type Batch,
  type BatchExecutor,
  type BatchOutcome,
  type SchedulerEvent,
  type SchedulerOptions,
  type WorkFile,
} from './scheduler';

/** Time only moves when the scheduler sleeps, so backoff and cool-down are exact. */
function fakeClock() {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms: number) => void (now += ms),
    advance: (ms: number) => void (now += ms),
  };
}

type Script = (file: WorkFile, attempt: number) => FileRunResult | 'crash' | 'timeout' | 'hang';

function passed(file: WorkFile): FileRunResult {
  return {
    path: file.path,
    status: 'passed',
    durationMs: 10,
    error: undefined,
    tests: [{ name: 't', status: 'passed', durationMs: 5, failure: undefined }],
  };
}
function failed(file: WorkFile, message = 'AssertionError: expected 1 to be 2'): FileRunResult {
  return {
    path: file.path,
    status: 'failed',
    durationMs: 10,
    error: undefined,
    tests: [{ name: 't', status: 'failed', durationMs: 5, failure: { message, stack: undefined } }],
  };
}

/** Runs a batch's files in order, as a runner would; stops at the first crash, timeout or hang. */
function fakeExecutor(script: Script) {
  const attempts = new Map<string, number>();
  const batches: Batch[] = [];
  const hanging: Array<() => void> = [];
  let cancelled = 0;
  const executor: BatchExecutor = {
    async execute(batch) {
      batches.push(batch);
      const results: FileRunResult[] = [];
      for (const file of batch.files) {
        const attempt = (attempts.get(file.path) ?? 0) + 1;
        attempts.set(file.path, attempt);
        const answer = script(file, attempt);
        if (answer === 'hang') {
          await new Promise<void>((resolve) => hanging.push(resolve));
          return {
            results,
            exitCode: null,
            signal: 'SIGKILL',
            timedOut: false,
            cancelled: true,
            stderrTail: '',
          };
        }
        if (answer === 'crash')
          return {
            results,
            exitCode: 1,
            signal: null,
            timedOut: false,
            cancelled: false,
            stderrTail: 'FATAL ERROR: JavaScript heap out of memory',
          };
        if (answer === 'timeout')
          return {
            results,
            exitCode: null,
            signal: 'SIGKILL',
            timedOut: true,
            cancelled: false,
            stderrTail: '',
          };
        results.push(answer);
      }
      return {
        results,
        exitCode: 0,
        signal: null,
        timedOut: false,
        cancelled: false,
        stderrTail: '',
      } satisfies BatchOutcome;
    },
    async cancelAll() {
      cancelled++;
      for (const resolve of hanging.splice(0)) resolve();
    },
  };
  return { executor, batches, cancelledCount: () => cancelled };
}

function slotSource() {
  let next = 1;
  const free: number[] = [];
  const held = new Set<number>();
  return {
    tryAcquire: () => {
      const id = free.pop() ?? next++;
      held.add(id);
      return id;
    },
    acquire: async () => {
      const id = free.pop() ?? next++;
      held.add(id);
      return id;
    },
    release: (id: number) => {
      held.delete(id);
      free.push(id);
    },
    held,
  };
}

function file(path: string, overrides: Partial<WorkFile> = {}): WorkFile {
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
    ...overrides,
  };
}

function schedule(files: WorkFile[], script: Script, options: Partial<SchedulerOptions> = {}) {
  const clock = fakeClock();
  const fake = fakeExecutor(script);
  const slots = slotSource();
  const events: SchedulerEvent[] = [];
  const scheduler = new Scheduler({
    files,
    dependsOn: new Map(),
    executor: fake.executor,
    slots,
    clock,
    targetSlots: () => 2,
    failFast: undefined,
    strictIsolation: false,
    random: () => 0,
    backoffBaseMs: 100,
    onEvent: (e) => events.push(e),
    ...options,
  });
  return { run: () => scheduler.run(), fake, slots, clock, events, scheduler };
}

const statusOf = (outcomes: Awaited<ReturnType<Scheduler['run']>>['outcomes']) =>
  Object.fromEntries(outcomes.map((o) => [o.file.path, o.status]));

describe('Scheduler', () => {
  it('runs every file, batching files of one project and runner, and releases its slots', async () => {
    const files = [
      file('a'),
      file('b'),
      file('c', { projectRoot: 'q', project: 'q' }),
      file('d', { runner: 'vitest' }),
    ];
    const s = schedule(files, passed);
    const { outcomes } = await s.run();
    expect(statusOf(outcomes)).toEqual({ a: 'passed', b: 'passed', c: 'passed', d: 'passed' });
    expect(s.fake.batches.map((b) => b.files.map((f) => f.path))).toEqual([
      ['a', 'b'],
      ['c'],
      ['d'],
    ]);
    expect(s.fake.batches.every((b) => b.slotId >= 1 && b.slotId <= 2)).toBe(true);
    expect(s.slots.held.size).toBe(0);
  });

  it('keeps a small Vitest queue on one warm slot instead of starting a second Vitest', async () => {
    const small = ['a', 'b', 'c', 'd', 'e', 'f'].map((p) =>
      file(p, { runner: 'vitest', estimatedMs: 400 }),
    );
    const vitest = schedule(small, passed);
    await vitest.run();
    expect(vitest.fake.batches.length).toBeGreaterThan(1);
    expect(new Set(vitest.fake.batches.map((b) => b.slotId))).toEqual(new Set([1]));

    // Jest starts a process per batch anyway, so the same queue takes both slots.
    const jest = schedule(
      small.map((f) => ({ ...f, runner: 'jest' as const })),
      passed,
    );
    await jest.run();
    expect(new Set(jest.fake.batches.map((b) => b.slotId))).toEqual(new Set([1, 2]));

    // Enough Vitest work to repay a cold start opens the second slot.
    const large = Array.from({ length: 40 }, (_, i) =>
      file(`big-${i}`, { runner: 'vitest', estimatedMs: 1000 }),
    );
    const busy = schedule(large, passed);
    await busy.run();
    expect(new Set(busy.fake.batches.map((b) => b.slotId))).toEqual(new Set([1, 2]));
  });

  it('orders failed-last-time first, then smoke, then longest first', async () => {
    const files = [
      file('short', { estimatedMs: 10 }),
      file('long', { estimatedMs: 900 }),
      file('broke', { estimatedMs: 50, previouslyFailed: true }),
      file('smoke', { estimatedMs: 20, firstClass: true }),
      file('mid', { estimatedMs: 300 }),
    ];
    const s = schedule(files, passed, { strictIsolation: true, targetSlots: () => 1 });
    await s.run();
    expect(s.fake.batches.map((b) => b.files[0]?.path)).toEqual([
      'broke',
      'smoke',
      'long',
      'mid',
      'short',
    ]);
  });

  it('retries with exponential backoff and reports a pass on retry as flaky', async () => {
    const s = schedule([file('f', { retries: 2 })], (f, attempt) =>
      attempt < 3 ? failed(f) : passed(f),
    );
    const { outcomes } = await s.run();
    expect(outcomes[0]).toMatchObject({ status: 'flaky', attempts: 3 });
    expect(outcomes[0]?.failedAttempts).toHaveLength(2);
    // random() = 0 gives half the exponential delay: 100 × 2^0 / 2, then 100 × 2^1 / 2.
    expect(
      s.events.filter((e) => e.type === 'retry').map((e) => (e.type === 'retry' ? e.delayMs : 0)),
    ).toEqual([50, 100]);
    expect(s.clock.now()).toBeGreaterThanOrEqual(150);
  });

  it('fails a file after its retries with the failure category of its message', async () => {
    const s = schedule([file('f', { retries: 1 })], (f) => failed(f));
    const { outcomes } = await s.run();
    expect(outcomes[0]).toMatchObject({
      status: 'failed',
      attempts: 2,
      failureCategory: 'assertion',
    });
  });

  it('fail-fast cancels running work and reports the rest as not run', async () => {
    const files = ['a', 'b', 'c', 'd'].map((p) => file(p, { estimatedMs: 5000 }));
    const s = schedule(
      files,
      (f) => (f.path === 'a' ? failed(f) : f.path === 'b' ? 'hang' : passed(f)),
      { failFast: 1, strictIsolation: true },
    );
    const { outcomes } = await s.run();
    expect(statusOf(outcomes)).toEqual({ a: 'failed', b: 'notRun', c: 'notRun', d: 'notRun' });
    expect(outcomes[1]?.reason).toBe('fail-fast: stopped after 1 failed file');
    expect(s.fake.cancelledCount()).toBe(1);
  });

  it('re-runs alone the files a dying batch did not report, and blames the one that dies alone', async () => {
    const files = [
      file('a', { estimatedMs: 300 }),
      file('b', { estimatedMs: 200 }),
      file('c', { estimatedMs: 100 }),
    ];
    const s = schedule(files, (f) => (f.path === 'b' ? 'crash' : passed(f)), {
      targetSlots: () => 1,
    });
    const { outcomes } = await s.run();
    expect(s.fake.batches.map((b) => b.files.map((f) => f.path))).toEqual([
      ['a', 'b', 'c'],
      ['b'],
      ['c'],
    ]);
    expect(statusOf(outcomes)).toEqual({ a: 'passed', b: 'failed', c: 'passed' });
    expect(outcomes[1]).toMatchObject({ failureCategory: 'crash', attempts: 1 });
    expect(outcomes[1]?.tests[0]?.failure?.message).toContain('heap out of memory');
  });

  it('fails a file that exceeds its timeout alone as a timeout, and goes on', async () => {
    const s = schedule(
      [file('hangs'), file('ok')],
      (f) => (f.path === 'hangs' ? 'timeout' : passed(f)),
      { strictIsolation: true },
    );
    const { outcomes } = await s.run();
    expect(statusOf(outcomes)).toEqual({ hangs: 'failed', ok: 'passed' });
    expect(outcomes[0]?.failureCategory).toBe('timeout');
  });

  it('runs a category after the categories it depends on, and skips it when one failed', async () => {
    const files = [
      file('i1', { category: 'integration', estimatedMs: 9000 }),
      file('s1', { category: 'smoke' }),
      file('u1', { category: 'unit' }),
    ];
    const dependsOn = new Map([['integration', ['smoke']]]);
    const first = schedule(files, passed, {
      dependsOn,
      strictIsolation: true,
      targetSlots: () => 1,
    });
    await first.run();
    const order = first.fake.batches.map((b) => b.files[0]?.path);
    expect(order.indexOf('s1')).toBeLessThan(order.indexOf('i1'));

    const second = schedule(files, (f) => (f.path === 's1' ? failed(f) : passed(f)), {
      dependsOn,
      strictIsolation: true,
    });
    const { outcomes } = await second.run();
    expect(statusOf(outcomes)).toEqual({ i1: 'notRun', s1: 'failed', u1: 'passed' });
    expect(outcomes[0]?.reason).toBe('category "smoke" failed, and "integration" depends on it');
  });

  it('opens the circuit breaker on repeated infrastructure errors, probes after the cool-down, then stops', async () => {
    const files = ['a', 'b', 'c', 'd', 'e', 'f'].map((p) => file(p));
    const refused = (f: WorkFile) => failed(f, 'connect ECONNREFUSED 127.0.0.1:5432');
    const s = schedule(files, refused, {
      strictIsolation: true,
      targetSlots: () => 1,
      breakerThreshold: 3,
      breakerCoolDownMs: 5000,
    });
    const { outcomes } = await s.run();
    // Three failures open it; after 5 s one probe runs (d) and fails; e and f never run.
    expect(s.fake.batches.map((b) => b.files[0]?.path)).toEqual(['a', 'b', 'c', 'd']);
    expect(statusOf(outcomes)).toEqual({
      a: 'failed',
      b: 'failed',
      c: 'failed',
      d: 'failed',
      e: 'notRun',
      f: 'notRun',
    });
    expect(outcomes[4]?.reason).toMatch(
      /^circuit breaker open after 3 infrastructure failures in a row \(last: connect ECONNREFUSED/,
    );
    expect(s.clock.now()).toBeGreaterThanOrEqual(5000);
  });

  it('closes the breaker when the probe passes and runs the rest', async () => {
    const files = ['a', 'b', 'c', 'd', 'e'].map((p) => file(p));
    const s = schedule(
      files,
      (f) => (['a', 'b', 'c'].includes(f.path) ? failed(f, 'getaddrinfo ENOTFOUND db') : passed(f)),
      {
        strictIsolation: true,
        targetSlots: () => 1,
      },
    );
    const { outcomes } = await s.run();
    expect(statusOf(outcomes)).toEqual({
      a: 'failed',
      b: 'failed',
      c: 'failed',
      d: 'passed',
      e: 'passed',
    });
  });

  it('reports a failing quarantined file without counting it toward fail-fast', async () => {
    const s = schedule(
      [file('q', { quarantined: true }), file('ok')],
      (f) => (f.path === 'q' ? failed(f) : passed(f)),
      { failFast: 1, strictIsolation: true },
    );
    const { outcomes } = await s.run();
    expect(statusOf(outcomes)).toEqual({ q: 'quarantined', ok: 'passed' });
  });

  it('on interrupt cancels running batches and reports everything unfinished as not run', async () => {
    const controller = new AbortController();
    const s = schedule(
      ['a', 'b', 'c'].map((p) => file(p)),
      (f) => (f.path === 'a' ? passed(f) : 'hang'),
      {
        strictIsolation: true,
        targetSlots: () => 1,
        signal: controller.signal,
        onEvent: (e) => {
          if (e.type === 'batch-start' && e.batch.files[0]?.path === 'b')
            setTimeout(() => controller.abort(), 0);
        },
      },
    );
    const { outcomes, interrupted } = await s.run();
    expect(interrupted).toBe(true);
    expect(statusOf(outcomes)).toEqual({ a: 'passed', b: 'notRun', c: 'notRun' });
    expect(outcomes[1]?.reason).toBe('interrupted');
  });
});
