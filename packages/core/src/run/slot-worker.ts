/**
 * Worker-thread side of a slot (run by piscina): runs one batch with its runner in a child
 * process group behind the parent-death guard, and returns plain results. A cancel message on
 * the task's port ends the child's whole process group. Errors become an outcome, never a
 * rejected task, so one bad batch cannot take the pool down.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { MessagePort } from 'node:worker_threads';
import { isShardwiseError } from '../errors';
import { executeBatch } from '../runners/execute-batch';
import { getRunnerAdapter } from '../runners/registry';
import type { BatchInput } from '../runners/types';
import type { BatchOutcome, RunnerKind } from './scheduler';

export interface SlotTask {
  runner: RunnerKind;
  input: BatchInput;
  env: Record<string, string>;
  timeoutMs: number;
  /** The orchestrator's pid, watched by the guard. */
  orchestratorPid: number;
  /** Receives 'cancel'. */
  port: MessagePort;
}

export default async function runSlotTask(task: SlotTask): Promise<BatchOutcome> {
  const controller = new AbortController();
  task.port.on('message', (message) => {
    if (message === 'cancel') controller.abort();
  });
  try {
    mkdirSync(task.input.outputDir, { recursive: true });
    const adapter = getRunnerAdapter(task.runner);
    const result = await executeBatch(adapter, task.input, {
      env: task.env,
      timeoutMs: task.timeoutMs,
      signal: controller.signal,
      wrap: (invocation) => ({
        ...invocation,
        command: process.execPath,
        args: [
          join(__dirname, 'child-guard.js'),
          String(task.orchestratorPid),
          JSON.stringify({
            command: invocation.command,
            args: invocation.args,
            shell: invocation.shell,
          }),
        ],
        shell: false,
      }),
    });
    return {
      results: result.results,
      exitCode: result.exitCode,
      signal: result.signal,
      timedOut: result.timedOut,
      cancelled: controller.signal.aborted,
      stderrTail: result.stderrTail,
    };
  } catch (error) {
    return {
      results: [],
      exitCode: null,
      signal: null,
      timedOut: false,
      cancelled: controller.signal.aborted,
      // Shardwise's own errors (a runner not installed) explain themselves: no stack.
      stderrTail: isShardwiseError(error)
        ? error.message
        : error instanceof Error
          ? (error.stack ?? error.message)
          : String(error),
    };
  } finally {
    task.port.close();
  }
}
