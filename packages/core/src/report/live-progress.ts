/**
 * Progress of a run on stderr: files done of total, passed, failed, cached, flaky, busy workers,
 * CPU and memory, and the time left. On a terminal one status line is redrawn in place, with
 * failures, retries and (under --verbose) finished files printed above it; elsewhere (CI logs,
 * `--json`) it prints plain lines only: those events and a status line at every tenth of the files.
 *
 * Fed by `runTests`' onStart, onEvent and onSample (see `progressHooks`), so `run` and `watch`
 * share it.
 */
import type { ReportSample } from './report-schema';
import type { SchedulerEvent } from '../run/scheduler';

export type ProgressMode = 'live' | 'plain';

export interface ProgressStart {
  /** Files selected for the run, cached ones included. */
  totalFiles: number;
  cachedFiles: number;
  /** Sum of the estimated run times of the files to run. */
  estimatedMs: number;
  maxSlots: number;
}

export interface ProgressState {
  totalFiles: number;
  doneFiles: number;
  cachedFiles: number;
  passedFiles: number;
  failedFiles: number;
  flakyFiles: number;
  notRunFiles: number;
  busySlots: number;
  maxSlots: number;
  cpu: number | undefined;
  memory: number | undefined;
  /** Disk read+write and network receive+send, bytes per second, from the latest sample. */
  diskBytesPerSec: number | undefined;
  networkBytesPerSec: number | undefined;
  elapsedMs: number;
  /** undefined until there is something to estimate from. */
  remainingMs: number | undefined;
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface LiveProgressOptions {
  stream: ProgressStream;
  mode: ProgressMode;
  /** A line per finished file, not only failures. */
  verbose?: boolean;
  /** Milliseconds; injectable for tests. */
  now?: () => number;
  /** How often the live line is redrawn between events. Default 250 ms; 0 turns the timer off. */
  redrawMs?: number;
}

/** Live on a terminal unless stdout carries the JSON report; plain lines otherwise. */
export function progressModeFor(stream: ProgressStream, json: boolean): ProgressMode {
  return stream.isTTY === true && !json && process.env['CI'] !== 'true' ? 'live' : 'plain';
}

function clock(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const minutes = Math.floor(total / 60);
  return `${minutes}:${String(total % 60).padStart(2, '0')}`;
}

function fileTime(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : `${Math.round(ms)}ms`;
}

function throughput(bytesPerSec: number): string {
  return bytesPerSec >= 1024 * 1024
    ? `${(bytesPerSec / (1024 * 1024)).toFixed(1)} MB/s`
    : `${Math.round(bytesPerSec / 1024)} KB/s`;
}

/** The status line, without colour or cursor codes. */
export function formatProgressLine(state: ProgressState, barWidth = 12): string {
  const fraction = state.totalFiles > 0 ? state.doneFiles / state.totalFiles : 1;
  const filled = Math.round(fraction * barWidth);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)}`;
  const parts = [
    `${bar} ${state.doneFiles}/${state.totalFiles} files`,
    `${state.passedFiles} passed, ${state.failedFiles} failed, ${state.cachedFiles} cached, ${state.flakyFiles} flaky${state.notRunFiles > 0 ? `, ${state.notRunFiles} not run` : ''}`,
    `${state.busySlots}/${state.maxSlots} workers`,
  ];
  if (state.cpu !== undefined && state.memory !== undefined)
    parts.push(`CPU ${Math.round(state.cpu * 100)}% mem ${Math.round(state.memory * 100)}%`);
  const io = [
    state.diskBytesPerSec === undefined ? undefined : `disk ${throughput(state.diskBytesPerSec)}`,
    state.networkBytesPerSec === undefined
      ? undefined
      : `net ${throughput(state.networkBytesPerSec)}`,
  ].filter((part) => part !== undefined);
  if (io.length > 0) parts.push(io.join(' '));
  parts.push(
    `${clock(state.elapsedMs)}${state.remainingMs === undefined ? '' : ` · ~${clock(state.remainingMs)} left`}`,
  );
  return parts.join(' · ');
}

/** The line for an event printed above the status line (or alone in plain mode), if any. */
export function formatProgressEvent(event: SchedulerEvent, verbose: boolean): string | undefined {
  if (event.type === 'file-done') {
    const o = event.outcome;
    if (!verbose && o.status !== 'failed' && o.status !== 'flaky') return undefined;
    return `${o.status.toUpperCase().padEnd(7)} ${o.file.path} ${o.status === 'notRun' ? `(${o.reason ?? ''})` : fileTime(o.durationMs)}${o.workerId === null ? '' : ` [slot ${o.workerId}]`}`;
  }
  if (event.type === 'retry')
    return `RETRY   ${event.file.path} (attempt ${event.attempt} in ${event.delayMs}ms)`;
  if (event.type === 'fail-fast') return `fail-fast: ${event.failures} failed file(s), stopping`;
  if (event.type === 'breaker') return `circuit breaker ${event.state}: ${event.reason}`;
  return undefined;
}

export class LiveProgress {
  private readonly stream: ProgressStream;
  private readonly mode: ProgressMode;
  private readonly verbose: boolean;
  private readonly now: () => number;
  private readonly redrawMs: number;
  private startedAt: number;
  private start: ProgressStart = { totalFiles: 0, cachedFiles: 0, estimatedMs: 0, maxSlots: 1 };
  private done = 0;
  private passed = 0;
  private failed = 0;
  private flaky = 0;
  private notRun = 0;
  private doneEstimatedMs = 0;
  /** Slot → files of its current batch not yet finished. */
  private readonly running = new Map<number, Set<string>>();
  private cpu: number | undefined;
  private memory: number | undefined;
  private diskBytesPerSec: number | undefined;
  private networkBytesPerSec: number | undefined;
  private lastDecile = 0;
  private drawn = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: LiveProgressOptions) {
    this.stream = options.stream;
    this.mode = options.mode;
    this.verbose = options.verbose ?? false;
    this.now = options.now ?? (() => performance.now());
    this.redrawMs = options.redrawMs ?? 250;
    this.startedAt = this.now();
  }

  /** The run's size, once it is known (after the cache look-ups). */
  begin(start: ProgressStart): void {
    this.start = start;
    this.startedAt = this.now();
    if (this.mode === 'plain') {
      this.stream.write(
        `progress: ${start.totalFiles} file(s), ${start.cachedFiles} cached, ${start.totalFiles - start.cachedFiles} to run on up to ${start.maxSlots} worker(s)\n`,
      );
    } else if (this.redrawMs > 0 && this.timer === undefined) {
      // Keeps the clock and the resource figures moving between events; never holds the process.
      this.timer = setInterval(() => this.draw(), this.redrawMs);
      this.timer.unref();
    }
    this.draw();
  }

  onEvent(event: SchedulerEvent): void {
    if (event.type === 'batch-start') {
      this.running.set(event.batch.slotId, new Set(event.batch.files.map((f) => f.path)));
    } else if (event.type === 'retry') {
      this.finishOnSlots(event.file.path);
    } else if (event.type === 'file-done') {
      const o = event.outcome;
      this.finishOnSlots(o.file.path);
      this.done++;
      this.doneEstimatedMs += o.file.estimatedMs;
      if (o.status === 'failed') this.failed++;
      else if (o.status === 'flaky') this.flaky++;
      else if (o.status === 'notRun') this.notRun++;
      else this.passed++;
    }
    const line = formatProgressEvent(event, this.verbose);
    if (line !== undefined) this.print(line);
    if (event.type === 'file-done') {
      if (this.mode === 'plain') this.plainStatus();
      else this.draw();
    }
  }

  onSample(sample: Pick<ReportSample, 'cpu' | 'memory'> & Partial<ReportSample>): void {
    this.cpu = sample.cpu;
    this.memory = sample.memory;
    this.diskBytesPerSec =
      sample.disk == null ? undefined : sample.disk.readBytesPerSec + sample.disk.writeBytesPerSec;
    this.networkBytesPerSec =
      sample.network == null
        ? undefined
        : sample.network.rxBytesPerSec + sample.network.txBytesPerSec;
  }

  /** A log line (pool changes, debug output) above the status line. */
  log(line: string): void {
    this.print(line);
  }

  /** Removes the live line; the summary follows on a clean line. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    if (this.mode === 'live' && this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  get state(): ProgressState {
    const toRun = this.start.totalFiles - this.start.cachedFiles;
    const elapsedMs = this.now() - this.startedAt;
    const remainingEstimatedMs = Math.max(0, this.start.estimatedMs - this.doneEstimatedMs);
    let remainingMs: number | undefined;
    if (this.done >= toRun) remainingMs = 0;
    else if (this.doneEstimatedMs > 0)
      // Elapsed time per estimated millisecond done so far, so the pool's real parallelism and
      // the estimates' bias are both in it.
      remainingMs = (elapsedMs * remainingEstimatedMs) / this.doneEstimatedMs;
    else if (this.start.estimatedMs > 0)
      remainingMs = this.start.estimatedMs / Math.max(1, this.start.maxSlots);
    return {
      totalFiles: this.start.totalFiles,
      doneFiles: this.start.cachedFiles + this.done,
      cachedFiles: this.start.cachedFiles,
      passedFiles: this.passed,
      failedFiles: this.failed,
      flakyFiles: this.flaky,
      notRunFiles: this.notRun,
      busySlots: this.running.size,
      maxSlots: this.start.maxSlots,
      cpu: this.cpu,
      memory: this.memory,
      diskBytesPerSec: this.diskBytesPerSec,
      networkBytesPerSec: this.networkBytesPerSec,
      elapsedMs,
      remainingMs,
    };
  }

  private finishOnSlots(path: string): void {
    for (const [slot, files] of this.running) {
      if (files.delete(path) && files.size === 0) this.running.delete(slot);
    }
  }

  private print(line: string): void {
    if (this.mode === 'live' && this.drawn) this.stream.write('\r\x1b[2K');
    this.stream.write(`${line}\n`);
    this.drawn = false;
    if (this.mode === 'live') this.draw();
  }

  private plainStatus(): void {
    const state = this.state;
    const toRun = state.totalFiles - state.cachedFiles;
    if (toRun <= 0) return;
    const decile = Math.floor((this.done / toRun) * 10);
    if (decile <= this.lastDecile) return;
    this.lastDecile = decile;
    this.stream.write(`progress: ${formatProgressLine(state, 10)}\n`);
  }

  private draw(): void {
    if (this.mode !== 'live' || this.stopped) return;
    // A pseudo-terminal without a size reports 0 columns.
    const columns =
      this.stream.columns !== undefined && this.stream.columns > 20 ? this.stream.columns : 120;
    const line = formatProgressLine(this.state);
    const fitted = line.length > columns - 1 ? `${line.slice(0, Math.max(0, columns - 2))}…` : line;
    this.stream.write(`\r\x1b[2K${fitted}`);
    this.drawn = true;
  }
}

/** The `runTests` options that feed a progress view. */
export function progressHooks(progress: LiveProgress): {
  onStart: (start: ProgressStart) => void;
  onEvent: (event: SchedulerEvent) => void;
  onSample: (sample: ReportSample) => void;
} {
  return {
    onStart: (start) => progress.begin(start),
    onEvent: (event) => progress.onEvent(event),
    onSample: (sample) => progress.onSample(sample),
  };
}
