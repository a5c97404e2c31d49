/**
 * The scheduler: turns test files into batches, runs them on slots, and applies the failure
 * policy. It knows nothing of threads or processes: batches go to an injected `BatchExecutor`,
 * slot numbers come from an injected `SlotSource`, time from an injected `Clock`, so every rule
 * here is tested exactly with fakes.
 *
 * Rules, in the order they apply:
 * - Order: files that failed last time first, then smoke tests, then longest first; a category
 *   starts only when
 *   the categories it depends on are done, and is not run at all when one of them failed.
 * - Batches: files of one project and runner, up to a target duration that shrinks as the queue
 *   drains (so the tail of the run stays balanced); one file per batch under strict isolation and
 *   for retries.
 * - A batch that died (crash, timeout) without reporting some files: those files run again alone,
 *   which finds the file responsible; a file that dies alone is failed as crash or timeout.
 * - Retries with exponential backoff; a pass on retry is flaky. Quarantined files fail without
 *   failing the run.
 * - Fail-fast: after N failed files, running batches are cancelled and the rest is not run.
 * - Circuit breaker: repeated infrastructure failures stop scheduling; one probe after a cool-down
 *   decides whether the run goes on or the rest is reported as not run, with the reason.
 */
import { isShardwiseError } from '../errors';
import type { FailureCategory, FileStatus, ReportTest } from '../report/report-schema';
import type { FileRunResult, TestCaseResult } from '../runners/types';
import { categorizeFailure } from './categorize-failure';
import { CircuitBreaker } from './circuit-breaker';
import { retryDelayMs } from './retry-backoff';

export type RunnerKind = 'jest' | 'vitest' | 'node' | 'command';

export interface WorkFile {
  path: string;
  project: string;
  projectRoot: string;
  category: string;
  shard: number;
  runner: RunnerKind;
  command: string | undefined;
  closureHash: string;
  estimatedMs: number;
  previouslyFailed: boolean;
  /** Runs before other files that did not fail last time (the smoke category). */
  firstClass: boolean;
  retries: number;
  timeoutMs: number;
  quarantined: boolean;
  /** From the classify hook: CPU-bound files take at most `cpuSlots` slots at once. */
  kind?: 'cpu' | 'io' | undefined;
}

export interface Batch {
  id: number;
  slotId: number;
  projectRoot: string;
  runner: RunnerKind;
  command: string | undefined;
  files: WorkFile[];
  /** Generous budget for the whole batch; a single file gets its own timeout. */
  timeoutMs: number;
}

export interface BatchOutcome {
  results: FileRunResult[];
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** Ended by `cancelAll` (fail-fast, interrupt). */
  cancelled: boolean;
  stderrTail: string;
}

export interface BatchExecutor {
  execute(batch: Batch): Promise<BatchOutcome>;
  /** Ends every running batch's processes; their `execute` promises then settle as cancelled. */
  cancelAll(): Promise<void>;
  /** Ends idle runner processes kept warm between batches (called when the schedule is done). */
  release?(): Promise<void>;
}

export interface SlotSource {
  /** A machine-wide slot number if one is free now. */
  tryAcquire(): number | undefined;
  /** Waits for a slot number (used only when this run holds none, so it cannot deadlock). */
  acquire(): Promise<number>;
  release(id: number): void;
}

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export interface FileOutcome {
  file: WorkFile;
  status: FileStatus;
  attempts: number;
  tests: ReportTest[];
  workerId: number | null;
  startMs: number | null;
  endMs: number | null;
  durationMs: number;
  failureCategory: FailureCategory | null;
  reason: string | null;
  /** Failed attempts before a pass (for flaky files' reports). */
  failedAttempts: ReportTest[][];
}

export type SchedulerEvent =
  | { type: 'batch-start'; batch: Batch }
  | { type: 'file-done'; outcome: FileOutcome }
  | { type: 'retry'; file: WorkFile; attempt: number; delayMs: number }
  | { type: 'fail-fast'; failures: number }
  | { type: 'breaker'; state: string; reason: string };

export interface SchedulerOptions {
  files: readonly WorkFile[];
  /** category → categories it depends on. */
  dependsOn: ReadonlyMap<string, readonly string[]>;
  executor: BatchExecutor;
  slots: SlotSource;
  clock: Clock;
  /** Current target number of slots (the pool sizer's answer); read whenever slots free up. */
  targetSlots: () => number;
  /** The most slots the pool may grow to; batches are sized for it. Default: targetSlots(). */
  maxSlots?: number;
  failFast: number | undefined;
  strictIsolation: boolean;
  /** At most this many batches of CPU-bound files (`kind: 'cpu'`) run at once. Default: no limit. */
  cpuSlots?: number;
  random?: () => number;
  backoffBaseMs?: number;
  breakerThreshold?: number;
  breakerCoolDownMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: SchedulerEvent) => void;
}

interface QueuedFile {
  file: WorkFile;
  attempt: number;
  notBefore: number;
  /** Runs alone: a retry, or a file whose batch died before reporting it. */
  alone: boolean;
  failedAttempts: ReportTest[][];
  firstStartMs: number | null;
}

const MAX_FILES_PER_BATCH = 40;
const MAX_BATCH_TARGET_MS = 15_000;
/**
 * What starting one batch costs before its first test, measured on this project's 2-core
 * machine (BENCHMARKS.md): a batch should run at least three times that long, so start-up stays
 * under a quarter of the work. Jest pays a process start per batch (~0.5 s of CPU), Vitest
 * ~1.2 s for a cold process (a slot's warm Vitest skips it, but only while the slot stays on one
 * project, so batches stay long); node:test starts a process per file anyway.
 */
export const RUNNER_START_MS: Readonly<Record<RunnerKind, number>> = {
  vitest: 300,
  jest: 500,
  node: 100,
  command: 500,
};

/**
 * What opening one more slot costs beyond starting a batch on a slot that is already open: a
 * fresh Vitest slot starts a cold Vitest (~1.2 s of CPU: a Vite server and fresh transforms),
 * which a warm slot skips. Jest, node:test and commands start a process per batch either way.
 */
const FRESH_SLOT_MS: Readonly<Record<RunnerKind, number>> = {
  vitest: 1200,
  jest: 0,
  node: 0,
  command: 0,
};

export function toReportTests(tests: readonly TestCaseResult[]): ReportTest[] {
  return tests.map((t) => ({
    name: t.name,
    status: t.status,
    durationMs: Math.max(0, t.durationMs),
    failure:
      t.failure === undefined
        ? null
        : {
            message: t.failure.message,
            stack: t.failure.stack ?? null,
            category: categorizeFailure({
              message: `${t.failure.message}\n${t.failure.stack ?? ''}`,
            }),
          },
  }));
}

function failureMessageOf(result: FileRunResult): string {
  if (result.error !== undefined) return `${result.error.message}\n${result.error.stack ?? ''}`;
  const failed = result.tests.find((t) => t.status === 'failed');
  return failed?.failure === undefined
    ? 'test failed'
    : `${failed.failure.message}\n${failed.failure.stack ?? ''}`;
}

function groupOf(file: WorkFile): string {
  return `${file.projectRoot}\0${file.runner}\0${file.command ?? ''}\0${file.kind ?? ''}`;
}

function compareQueued(a: QueuedFile, b: QueuedFile): number {
  if (a.file.previouslyFailed !== b.file.previouslyFailed) return a.file.previouslyFailed ? -1 : 1;
  if (a.file.firstClass !== b.file.firstClass) return a.file.firstClass ? -1 : 1;
  if (a.file.estimatedMs !== b.file.estimatedMs) return b.file.estimatedMs - a.file.estimatedMs;
  return a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0;
}

export class Scheduler {
  private readonly queue: QueuedFile[] = [];
  private readonly outcomes = new Map<string, FileOutcome>();
  private readonly running = new Map<number, Promise<void>>();
  /** When each running batch is expected to end (start + its files' estimates). */
  private readonly runningUntil = new Map<number, number>();
  private readonly ownedSlots: number[] = [];
  private readonly idleSlots: number[] = [];
  private readonly breaker: CircuitBreaker;
  private readonly remainingByCategory = new Map<string, number>();
  private readonly failedCategories = new Set<string>();
  private failures = 0;
  private stopReason: string | undefined;
  private nextBatchId = 1;
  private busySlotMs = 0;
  private lastBusyChange: number;
  private interrupted = false;
  private wake: () => void = () => undefined;
  private readonly lastGroupOfSlot = new Map<number, string>();
  private runningCpuBatches = 0;

  constructor(private readonly options: SchedulerOptions) {
    this.breaker = new CircuitBreaker({
      now: () => options.clock.now(),
      threshold: options.breakerThreshold,
      coolDownMs: options.breakerCoolDownMs,
    });
    this.lastBusyChange = options.clock.now();
    for (const file of options.files) {
      this.queue.push({
        file,
        attempt: 1,
        notBefore: 0,
        alone: options.strictIsolation,
        failedAttempts: [],
        firstStartMs: null,
      });
      this.remainingByCategory.set(
        file.category,
        (this.remainingByCategory.get(file.category) ?? 0) + 1,
      );
    }
    this.queue.sort(compareQueued);
  }

  /** The pool's target changed (or anything else worth a look): fill free slots now. */
  notify(): void {
    this.wake();
  }

  get busySlots(): number {
    return this.running.size;
  }

  /** Slot-milliseconds spent running batches, for utilisation. */
  get busyMs(): number {
    return this.busySlotMs + this.running.size * (this.options.clock.now() - this.lastBusyChange);
  }

  async run(): Promise<{ outcomes: FileOutcome[]; interrupted: boolean }> {
    const { clock, signal } = this.options;
    const onAbort = () => void this.interrupt();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) await this.interrupt();
      for (;;) {
        if (this.stopReason === undefined) await this.fill();
        if (this.running.size === 0 && this.queue.length === 0) break;
        const wake = this.nextWakeMs();
        if (this.running.size === 0) {
          await clock.sleep(wake ?? 10);
          continue;
        }
        const waits: Array<Promise<unknown>> = [
          ...this.running.values(),
          new Promise<void>((resolve) => (this.wake = resolve)),
        ];
        if (wake !== undefined) waits.push(clock.sleep(wake));
        await Promise.race(waits);
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
      for (const id of this.ownedSlots.splice(0)) this.options.slots.release(id);
      this.idleSlots.length = 0;
    }
    const ordered = this.options.files
      .map((f) => this.outcomes.get(f.path))
      .filter((o): o is FileOutcome => o !== undefined);
    return { outcomes: ordered, interrupted: this.interrupted };
  }

  /** Ctrl-C / SIGTERM: cancel what runs, report everything unfinished as not run. */
  async interrupt(): Promise<void> {
    if (this.stopReason !== undefined && this.interrupted) return;
    this.interrupted = true;
    await this.stop('interrupted');
  }

  private async stop(reason: string): Promise<void> {
    if (this.stopReason !== undefined) return;
    this.stopReason = reason;
    for (const queued of this.queue.splice(0)) this.finishNotRun(queued, reason);
    await this.options.executor.cancelAll();
  }

  /** ms until something queued can start (backoff, breaker cool-down), if anything waits. */
  private nextWakeMs(): number | undefined {
    const now = this.options.clock.now();
    let wake: number | undefined;
    const breakerWait = this.breaker.waitMs();
    if (breakerWait > 0 && this.queue.length > 0) wake = breakerWait;
    for (const queued of this.queue) {
      if (queued.notBefore > now) wake = Math.min(wake ?? Infinity, queued.notBefore - now);
    }
    return wake;
  }

  private categoryReady(category: string): boolean {
    for (const dependency of this.options.dependsOn.get(category) ?? []) {
      if ((this.remainingByCategory.get(dependency) ?? 0) > 0) return false;
    }
    return true;
  }

  /** Skips files of categories whose dependency failed. */
  private skipBlockedCategories(): void {
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const queued = this.queue[i]!;
      const failedDependency = (this.options.dependsOn.get(queued.file.category) ?? []).find((d) =>
        this.failedCategories.has(d),
      );
      if (failedDependency !== undefined) {
        this.queue.splice(i, 1);
        this.finishNotRun(
          queued,
          `category "${failedDependency}" failed, and "${queued.file.category}" depends on it`,
        );
      }
    }
  }

  private async takeSlot(): Promise<number | undefined> {
    const idle = this.idleSlots.pop();
    if (idle !== undefined) return idle;
    if (this.ownedSlots.length >= Math.max(1, this.options.targetSlots())) return undefined;
    const fresh =
      this.ownedSlots.length === 0
        ? await this.options.slots.acquire()
        : this.options.slots.tryAcquire();
    if (fresh !== undefined) this.ownedSlots.push(fresh);
    return fresh;
  }

  private releaseSlot(id: number): void {
    if (this.ownedSlots.length > Math.max(1, this.options.targetSlots())) {
      this.ownedSlots.splice(this.ownedSlots.indexOf(id), 1);
      this.options.slots.release(id);
    } else {
      this.idleSlots.push(id);
    }
  }

  private async fill(): Promise<void> {
    this.skipBlockedCategories();
    for (;;) {
      if (this.stopReason !== undefined) return;
      if (this.running.size >= Math.max(1, this.options.targetSlots())) return;
      if (this.breaker.current === 'tripped') {
        await this.stop(this.breaker.reason());
        return;
      }
      // While the breaker is not closed, wait for running batches before deciding on a probe.
      if (this.breaker.current !== 'closed' && this.running.size > 0) return;
      const permit = this.breaker.permits();
      if (permit === 'none') return;
      const now = this.options.clock.now();
      const cpuFull = this.runningCpuBatches >= (this.options.cpuSlots ?? Infinity);
      const startable = (q: QueuedFile) =>
        q.notBefore <= now &&
        this.categoryReady(q.file.category) &&
        !(cpuFull && q.file.kind === 'cpu');
      const firstIndex = this.queue.findIndex(startable);
      if (firstIndex === -1) return;
      if (!this.worthAFreshSlot(this.queue[firstIndex]!.file, startable, now)) return;
      const slotId = await this.takeSlot();
      if (slotId === undefined) return;
      // A slot keeps to the project and runner it ran last while that group has work, so a
      // runner that stays warm between batches (Vitest) is reused instead of restarted.
      const last = this.lastGroupOfSlot.get(slotId);
      const sameGroup =
        last === undefined
          ? -1
          : this.queue.findIndex((q) => groupOf(q.file) === last && startable(q));
      const batchFiles = this.takeBatch(
        sameGroup === -1 ? firstIndex : sameGroup,
        permit === 'probe',
      );
      this.lastGroupOfSlot.set(slotId, groupOf(batchFiles[0]!.file));
      this.launch(slotId, batchFiles);
    }
  }

  /**
   * Whether the next batch may open a slot when none is idle. Where a fresh slot costs a cold
   * runner start (FRESH_SLOT_MS), it pays only if one more slot saves more than that on the work
   * queued, or the open slots stay busy longer than the start takes; otherwise the batch waits for
   * a warm slot. Small shards then keep to one Vitest instead of starting two.
   */
  private worthAFreshSlot(
    next: WorkFile,
    startable: (q: QueuedFile) => boolean,
    now: number,
  ): boolean {
    const coldMs = FRESH_SLOT_MS[next.runner];
    const open = this.ownedSlots.length;
    if (coldMs === 0 || open === 0 || this.idleSlots.length > 0) return true;
    const queuedMs = this.queue.reduce(
      (sum, q) => sum + (startable(q) ? q.file.estimatedMs : 0),
      0,
    );
    let soonestFreeMs = Infinity;
    for (const until of this.runningUntil.values()) {
      soonestFreeMs = Math.min(soonestFreeMs, Math.max(0, until - now));
    }
    return queuedMs / (open * (open + 1)) > coldMs || soonestFreeMs > coldMs;
  }

  private takeBatch(firstIndex: number, probe: boolean): QueuedFile[] {
    const first = this.queue.splice(firstIndex, 1)[0]!;
    const batch = [first];
    if (first.alone || probe) return batch;
    const now = this.options.clock.now();
    // Sized for the pool the run may grow to, so that early batches do not hoard the queue
    // before the pool has grown; about three batches per slot keep the tail balanced.
    const slots = Math.max(1, this.options.targetSlots(), this.options.maxSlots ?? 0);
    const queuedMs = this.queue.reduce(
      (sum, q) => sum + q.file.estimatedMs,
      first.file.estimatedMs,
    );
    const minimumMs = 3 * RUNNER_START_MS[first.file.runner];
    const targetMs = Math.min(MAX_BATCH_TARGET_MS, Math.max(minimumMs, queuedMs / (slots * 3)));
    let batchMs = first.file.estimatedMs;
    for (
      let i = 0;
      i < this.queue.length && batch.length < MAX_FILES_PER_BATCH && batchMs < targetMs;
    ) {
      const candidate = this.queue[i]!;
      const sameGroup = groupOf(candidate.file) === groupOf(first.file);
      if (
        sameGroup &&
        !candidate.alone &&
        candidate.notBefore <= now &&
        this.categoryReady(candidate.file.category) &&
        batchMs + candidate.file.estimatedMs <= targetMs * 1.25
      ) {
        batch.push(candidate);
        batchMs += candidate.file.estimatedMs;
        this.queue.splice(i, 1);
      } else {
        i++;
      }
    }
    return batch;
  }

  private launch(slotId: number, queued: QueuedFile[]): void {
    const { clock, executor } = this.options;
    const first = queued[0]!.file;
    const files = queued.map((q) => q.file);
    const estimate = files.reduce((sum, f) => sum + f.estimatedMs, 0);
    const timeoutMs =
      files.length === 1
        ? first.timeoutMs
        : Math.min(
            files.reduce((s, f) => s + f.timeoutMs, 0),
            Math.max(...files.map((f) => f.timeoutMs)) + 3 * estimate,
          );
    const batch: Batch = {
      id: this.nextBatchId++,
      slotId,
      projectRoot: first.projectRoot,
      runner: first.runner,
      command: first.command,
      files,
      timeoutMs,
    };
    const startMs = clock.now();
    for (const q of queued) q.firstStartMs ??= startMs;
    const cpuBound = first.kind === 'cpu';
    if (cpuBound) this.runningCpuBatches++;
    this.accountBusy();
    this.options.onEvent?.({ type: 'batch-start', batch });
    const done = executor
      .execute(batch)
      .catch((error: unknown): BatchOutcome => ({
        results: [],
        exitCode: null,
        signal: null,
        timedOut: false,
        cancelled: false,
        // Shardwise's own errors (a runner not installed) explain themselves: no stack.
        stderrTail: isShardwiseError(error)
          ? error.message
          : error instanceof Error
            ? (error.stack ?? error.message)
            : String(error),
      }))
      .then((outcome) => {
        this.accountBusy();
        if (cpuBound) this.runningCpuBatches--;
        this.running.delete(batch.id);
        this.runningUntil.delete(batch.id);
        this.releaseSlot(slotId);
        this.complete(batch, queued, outcome, startMs);
      });
    this.running.set(batch.id, done);
    this.runningUntil.set(batch.id, startMs + estimate);
  }

  private accountBusy(): void {
    const now = this.options.clock.now();
    this.busySlotMs += this.running.size * (now - this.lastBusyChange);
    this.lastBusyChange = now;
  }

  private complete(
    batch: Batch,
    queued: QueuedFile[],
    outcome: BatchOutcome,
    startMs: number,
  ): void {
    const endMs = this.options.clock.now();
    const byPath = new Map(outcome.results.map((r) => [r.path, r]));
    for (const item of queued) {
      const result = byPath.get(item.file.path);
      if (result !== undefined) {
        this.handleResult(item, result, batch.slotId, startMs, endMs);
      } else if (outcome.cancelled || this.stopReason !== undefined) {
        this.finishNotRun(item, this.stopReason ?? 'cancelled', batch.slotId);
      } else if (queued.length > 1) {
        // The batch died before reaching this file (or while running it): run it alone, which
        // tells which file is responsible. It never ran to completion, so no attempt is spent.
        this.queue.push({ ...item, alone: true });
        this.queue.sort(compareQueued);
      } else {
        const how = outcome.timedOut
          ? `ended after exceeding its ${batch.timeoutMs} ms timeout`
          : `runner exited (${outcome.signal !== null ? `signal ${outcome.signal}` : `code ${outcome.exitCode}`}) without reporting this file`;
        const message = `${how}${outcome.stderrTail.trim() === '' ? '' : `:\n${outcome.stderrTail.trim()}`}`;
        const category = categorizeFailure({
          message,
          timedOut: outcome.timedOut,
          crashed: !outcome.timedOut,
        });
        this.handleFailure(
          item,
          [],
          message,
          category,
          batch.slotId,
          startMs,
          endMs,
          Math.max(0, endMs - startMs),
        );
      }
    }
  }

  private handleResult(
    item: QueuedFile,
    result: FileRunResult,
    slotId: number,
    startMs: number,
    endMs: number,
  ): void {
    const tests = toReportTests(result.tests);
    if (result.status !== 'failed') {
      this.breaker.recordSuccess();
      const flaky = item.failedAttempts.length > 0;
      this.finish({
        file: item.file,
        status: flaky ? 'flaky' : result.status,
        attempts: item.attempt,
        tests,
        workerId: slotId,
        startMs: item.firstStartMs ?? startMs,
        endMs,
        durationMs: result.durationMs,
        failureCategory: null,
        reason: null,
        failedAttempts: item.failedAttempts,
      });
      return;
    }
    const message = failureMessageOf(result);
    const category = categorizeFailure({ message });
    this.handleFailure(
      item,
      tests,
      message,
      category,
      slotId,
      startMs,
      endMs,
      result.durationMs,
      result.error === undefined ? undefined : result.error.message,
    );
  }

  private handleFailure(
    item: QueuedFile,
    tests: ReportTest[],
    message: string,
    category: FailureCategory,
    slotId: number,
    startMs: number,
    endMs: number,
    durationMs: number,
    fileError?: string,
  ): void {
    if (category === 'infrastructure') {
      this.breaker.recordInfrastructureFailure(message);
      if (this.breaker.current !== 'closed')
        this.options.onEvent?.({
          type: 'breaker',
          state: this.breaker.current,
          reason: this.breaker.reason(),
        });
    }
    const failedTests =
      tests.length > 0
        ? tests
        : [
            {
              name: item.file.path,
              status: 'failed' as const,
              durationMs,
              failure: { message, stack: null, category },
            },
          ];
    if (
      item.attempt <= item.file.retries &&
      this.stopReason === undefined &&
      this.breaker.current !== 'tripped'
    ) {
      const delayMs = retryDelayMs(item.attempt, {
        baseMs: this.options.backoffBaseMs,
        random: this.options.random,
      });
      this.options.onEvent?.({
        type: 'retry',
        file: item.file,
        attempt: item.attempt + 1,
        delayMs,
      });
      this.queue.push({
        ...item,
        attempt: item.attempt + 1,
        notBefore: this.options.clock.now() + delayMs,
        alone: true,
        failedAttempts: [...item.failedAttempts, failedTests],
      });
      this.queue.sort(compareQueued);
      return;
    }
    const quarantined = item.file.quarantined;
    this.finish({
      file: item.file,
      status: quarantined ? 'quarantined' : 'failed',
      attempts: item.attempt,
      tests: failedTests,
      workerId: slotId,
      startMs: item.firstStartMs ?? startMs,
      endMs,
      durationMs,
      failureCategory: category,
      reason: fileError ?? (tests.length === 0 ? (message.split('\n')[0] ?? message) : null),
      failedAttempts: item.failedAttempts,
    });
    if (quarantined) return;
    this.failures++;
    this.failedCategories.add(item.file.category);
    const threshold = this.options.failFast;
    if (threshold !== undefined && this.failures >= threshold && this.stopReason === undefined) {
      this.options.onEvent?.({ type: 'fail-fast', failures: this.failures });
      void this.stop(
        `fail-fast: stopped after ${this.failures} failed file${this.failures === 1 ? '' : 's'}`,
      );
    }
  }

  private finishNotRun(item: QueuedFile, reason: string, slotId: number | null = null): void {
    this.finish({
      file: item.file,
      status: 'notRun',
      attempts: item.attempt - 1,
      tests: [],
      workerId: slotId,
      startMs: null,
      endMs: null,
      durationMs: 0,
      failureCategory: null,
      reason,
      failedAttempts: item.failedAttempts,
    });
  }

  private finish(outcome: FileOutcome): void {
    if (this.outcomes.has(outcome.file.path)) return;
    this.outcomes.set(outcome.file.path, outcome);
    const category = outcome.file.category;
    this.remainingByCategory.set(category, (this.remainingByCategory.get(category) ?? 1) - 1);
    if (outcome.status === 'notRun' && this.stopReason === undefined)
      this.failedCategories.add(category);
    this.options.onEvent?.({ type: 'file-done', outcome });
  }
}
