/**
 * Warm Vitest processes, one per slot at most: a slot that runs Vitest batches of one project
 * keeps that project's Vitest (in serve mode) between batches, so each batch skips Vitest's
 * start-up and Vite's transforms of files already seen. The process runs in its own process
 * group behind the parent-death guard; a timeout, a cancel or a dead process ends the group and
 * the next batch starts a fresh one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import {
  vitestAdapter,
  vitestServeInvocation,
  VITEST_RESULTS_FILE,
} from '../runners/vitest-adapter';
import type { BatchInput } from '../runners/types';
import type { BatchOutcome } from './scheduler';

const DONE = '@@shardwise-batch-done ';
const STDERR_TAIL = 16 * 1024;

interface WarmProcess {
  key: string;
  child: ChildProcess;
  lines: string[];
  waiters: Array<() => void>;
  exited: { code: number | null; signal: string | null } | undefined;
  stderr: string;
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

export interface WarmVitestOptions {
  workspaceRoot: string;
  passThrough: readonly string[];
  updateSnapshots: boolean;
  /** Collect per-file coverage (see child/vitest-driver.ts). */
  coverage?: boolean;
  /** Run-level folder for per-file artifacts, and for each warm Vitest's coverage scratch. */
  artifactsDir?: string;
  scratchDir?: string;
  env: Record<string, string>;
  /** The parent-death guard to start Vitest behind; undefined starts it directly (tests). */
  guardScript: string | undefined;
}

export class WarmVitestPool {
  private readonly bySlot = new Map<number, WarmProcess>();
  private started = 0;

  constructor(private readonly options: WarmVitestOptions) {}

  private start(slotId: number, projectRoot: string, slotEnv: Record<string, string>): WarmProcess {
    const invocation = vitestServeInvocation(
      this.options.workspaceRoot,
      projectRoot,
      this.options.passThrough,
      this.options.updateSnapshots,
      {
        enabled: this.options.coverage === true,
        // Its own folder: Vitest empties its coverage folder when it starts.
        scratch: join(this.options.scratchDir ?? '', `vitest-coverage-${slotId}-${++this.started}`),
      },
    );
    const guarded =
      this.options.guardScript === undefined
        ? { command: invocation.command, args: invocation.args }
        : {
            command: process.execPath,
            args: [
              this.options.guardScript,
              String(process.pid),
              JSON.stringify({ command: invocation.command, args: invocation.args, shell: false }),
            ],
          };
    const child = spawn(guarded.command, guarded.args, {
      cwd: invocation.cwd,
      env: { ...process.env, ...this.options.env, ...slotEnv, ...invocation.env },
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const warm: WarmProcess = {
      key: `${slotId}\0${projectRoot}`,
      child,
      lines: [],
      waiters: [],
      exited: undefined,
      stderr: '',
    };
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith(DONE)) return;
      warm.lines.push(line.slice(DONE.length));
      for (const wake of warm.waiters.splice(0)) wake();
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      warm.stderr = (warm.stderr + chunk.toString()).slice(-STDERR_TAIL);
    });
    child.on('exit', (code, signal) => {
      warm.exited = { code, signal };
      for (const wake of warm.waiters.splice(0)) wake();
    });
    child.on('error', () => undefined);
    return warm;
  }

  /** Runs one batch on the slot's warm Vitest for this project (starting one if needed). */
  async run(
    slotId: number,
    input: BatchInput,
    slotEnv: Record<string, string>,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<BatchOutcome> {
    const key = `${slotId}\0${input.projectRoot}`;
    let warm = this.bySlot.get(slotId);
    if (warm !== undefined && (warm.key !== key || warm.exited !== undefined)) {
      this.stop(slotId);
      warm = undefined;
    }
    if (warm === undefined) {
      warm = this.start(slotId, input.projectRoot, slotEnv);
      this.bySlot.set(slotId, warm);
    }
    mkdirSync(input.outputDir, { recursive: true });
    const stderrBefore = warm.stderr.length;
    warm.child.stdin!.write(
      `${JSON.stringify({ files: input.files.map((f) => join(input.workspaceRoot, f)), resultsFile: join(input.outputDir, VITEST_RESULTS_FILE), artifactsDir: input.artifactsDir })}\n`,
    );

    let timedOut = false;
    let aborted = false;
    const current = warm;
    const finished = new Promise<void>((resolve) => {
      const check = () =>
        current.lines.length > 0 || current.exited !== undefined
          ? resolve()
          : current.waiters.push(check);
      check();
    });
    let timer: NodeJS.Timeout | undefined;
    const stopped = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        resolve();
      }, timeoutMs);
      const abort = () => {
        aborted = true;
        resolve();
      };
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
    });
    await Promise.race([finished, stopped]);
    clearTimeout(timer);
    const doneLine = current.lines.shift();
    if (doneLine === undefined) this.stop(slotId);
    const results = vitestAdapter.collect(input);
    return {
      results,
      exitCode: doneLine !== undefined ? Number(doneLine) : (current.exited?.code ?? null),
      signal:
        doneLine !== undefined
          ? null
          : (current.exited?.signal ?? (timedOut || aborted ? 'SIGKILL' : null)),
      timedOut,
      cancelled: aborted,
      stderrTail: current.stderr.slice(Math.max(0, stderrBefore - 2000)),
    };
  }

  /** The pid of the slot's warm process, if it has one. */
  processId(slotId: number): number | undefined {
    return this.bySlot.get(slotId)?.child.pid;
  }

  stop(slotId: number): void {
    const warm = this.bySlot.get(slotId);
    if (warm === undefined) return;
    this.bySlot.delete(slotId);
    killGroup(warm.child);
  }

  /**
   * Ends every warm process: closing stdin lets Vitest close and the process exit on its own
   * (so its CPU time is counted); whatever is still alive after `graceMs` is killed.
   */
  async stopAll(graceMs = 3_000): Promise<void> {
    const all = [...this.bySlot.values()];
    this.bySlot.clear();
    await Promise.all(
      all.map(
        (warm) =>
          new Promise<void>((resolve) => {
            if (warm.exited !== undefined) return resolve();
            const timer = setTimeout(() => {
              killGroup(warm.child);
              resolve();
            }, graceMs);
            warm.child.once('exit', () => {
              clearTimeout(timer);
              killGroup(warm.child);
              resolve();
            });
            warm.child.stdin!.end();
          }),
      ),
    );
  }
}
