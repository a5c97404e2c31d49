/**
 * Runs one batch: spawns the adapter's invocation in its own process group, waits for it (killing
 * the whole group on timeout or abort), ends whatever the runner left behind in that group, and
 * collects the results written so far. Holds no state between calls, so many slots (piscina worker
 * threads) can call it at once.
 */
import { spawn } from 'node:child_process';
import type {
  BatchInput,
  ChildOutcome,
  FileRunResult,
  RunnerAdapter,
  RunnerInvocation,
} from './types';

export interface ExecuteBatchOptions {
  /** Added to the environment after the current one and before the adapter's own variables. */
  env?: Record<string, string>;
  /** Kill the child's process group after this long. */
  timeoutMs?: number;
  /** Kill the child's process group when this aborts (fail-fast, Ctrl-C). */
  signal?: AbortSignal;
  /** Rewrites the invocation before it is spawned, e.g. to start it behind a guard process. */
  wrap?: (invocation: RunnerInvocation) => RunnerInvocation;
}

export interface BatchExecution extends ChildOutcome {
  results: FileRunResult[];
  timedOut: boolean;
  aborted: boolean;
  /** The end of what the child wrote to stderr (16 K characters at most). */
  stderrTail: string;
}

const STDERR_TAIL_CHARS = 16 * 1024;
/** How long to wait for the output pipes to close once the group is dead. */
const PIPE_CLOSE_GRACE_MS = 2_000;

/** Sends `signal` to every process of the group `groupId`; a group already gone is fine. */
function killGroup(groupId: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-groupId, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

export async function executeBatch(
  adapter: RunnerAdapter,
  input: BatchInput,
  options: ExecuteBatchOptions = {},
): Promise<BatchExecution> {
  const adapterInvocation = adapter.invocation(input);
  const invocation = options.wrap?.(adapterInvocation) ?? adapterInvocation;
  const child = spawn(invocation.command, invocation.args, {
    cwd: invocation.cwd,
    env: { ...process.env, ...options.env, ...invocation.env },
    shell: invocation.shell,
    // Its own process group (and session): one kill reaches the runner and everything it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let stderrTail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  // Drained so that a chatty runner never blocks on a full pipe.
  child.stdout.resume();

  let timedOut = false;
  let aborted = false;
  const killNow = () => {
    if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
  };
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          killNow();
        }, options.timeoutMs);
  const onAbort = () => {
    aborted = true;
    killNow();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let outcome: ChildOutcome;
  try {
    outcome = await new Promise<ChildOutcome>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode, signal) => resolve({ exitCode, signal }));
    });
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    // Runners can leave grandchildren (workers, servers the tests started) after they exit.
    killNow();
    if (child.pid !== undefined) await closedOrGrace(closed);
    child.stdout.destroy();
    child.stderr.destroy();
  }
  return {
    ...outcome,
    results: adapter.collect(input, outcome),
    timedOut,
    aborted,
    stderrTail,
  };
}

/**
 * Grandchildren may hold the pipes open; once the group is dead they close. A process that left
 * the group (its own setsid) could keep them open for ever, so the wait is bounded.
 */
async function closedOrGrace(closed: Promise<void>): Promise<void> {
  let graceTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    closed,
    new Promise<void>((resolve) => {
      graceTimer = setTimeout(resolve, PIPE_CLOSE_GRACE_MS);
    }),
  ]);
  clearTimeout(graceTimer);
}
