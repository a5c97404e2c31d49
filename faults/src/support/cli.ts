/**
 * Runs the built `shardwise` CLI (packages/core/dist/cli/main.js, built by `npm test`'s build
 * step) the way a user does: its own process, its own process group, output collected. Every run
 * carries `SHARDWISE_FAULT_CASE=<tag>` in its environment, which the orchestrator passes on to
 * every runner, guard and grandchild it starts, so `processesTagged` finds whatever a case left.
 */
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../..');
export const CLI = join(repoRoot, 'packages/core/dist/cli/main.js');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The run was killed for exceeding `timeoutMs`. */
  timedOut: boolean;
  ms: number;
}

export interface CliProcess {
  pid: number;
  done: Promise<CliRun>;
}

export interface CliOptions {
  tag: string;
  env?: Record<string, string | undefined>;
  /** The whole run is killed (its process group) after this long. */
  timeoutMs?: number;
}

/** The slot table folder of a fault case (removed at the end of the case). */
export function slotDirOf(tag: string): string {
  return join(tmpdir(), 'shardwise-fault-slots', tag);
}

export function startCli(cwd: string, args: string[], options: CliOptions): CliProcess {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      FORCE_COLOR: '0',
      NO_COLOR: '1',
      SHARDWISE_FAULT_CASE: options.tag,
      // The case's own machine-wide slot table, so runs of other suites never take its slots.
      SHARDWISE_SLOT_DIR: slotDirOf(options.tag),
      ...options.env,
    },
  });
  if (child.pid === undefined) throw new Error(`could not start ${CLI}`);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }, options.timeoutMs ?? 180_000);
  const done = new Promise<CliRun>((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr, timedOut, ms: Date.now() - started });
    });
  });
  return { pid: child.pid, done };
}

export function runCli(cwd: string, args: string[], options: CliOptions): Promise<CliRun> {
  return startCli(cwd, args, options).done;
}

/** The parts of the run report (contracts §6) the faults look at. */
export interface RunReport {
  runId: string;
  summary: {
    passed: number;
    failed: number;
    skipped: number;
    flaky: number;
    files: number;
    cachedFiles: number;
    notRunFiles: number;
    failedFiles: number;
    status: 'complete' | 'interrupted' | 'partial';
  };
  files: Array<{
    path: string;
    status: string;
    cached: boolean;
    closureHash: string;
    failureCategory: string | null;
    reason: string | null;
    tests: Array<{ name: string; status: string; failure: { message: string } | null }>;
  }>;
}

/** The JSON report a `run --json` printed; a run that printed none fails with its output. */
export function reportOf(run: CliRun): RunReport {
  try {
    return JSON.parse(run.stdout) as RunReport;
  } catch {
    throw new Error(
      `no JSON report (exit ${run.code}, signal ${run.signal}):\n${run.stderr.slice(-4000)}`,
    );
  }
}

/** A compact view of a run for assertion messages. */
export function describeRun(run: CliRun): string {
  return `exit ${run.code} signal ${run.signal} after ${run.ms} ms${run.timedOut ? ' (KILLED: run timeout)' : ''}\n--- stderr ---\n${run.stderr.slice(-4000)}`;
}

export function fileOf(report: RunReport, path: string): RunReport['files'][number] {
  const file = report.files.find((f) => f.path === path);
  if (file === undefined)
    throw new Error(`${path} is not in the report: ${report.files.map((f) => f.path).join(', ')}`);
  return file;
}
