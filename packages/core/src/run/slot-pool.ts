/**
 * The real BatchExecutor: batches run on a piscina pool of worker threads, one runner process
 * per busy thread. piscina stays behind this class. `cancelAll` tells every running slot to end
 * its child's process group, and waits for those batches to settle.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import Piscina from 'piscina';
import type { ExecutorContext } from './run-tests';
import type { Batch, BatchExecutor, BatchOutcome } from './scheduler';
import type { SlotTask } from './slot-worker';

export class SlotPool implements BatchExecutor {
  private readonly pool: Piscina<SlotTask, BatchOutcome>;
  private readonly running = new Map<number, { port: MessagePort; done: Promise<BatchOutcome> }>();

  constructor(private readonly context: ExecutorContext) {
    const filename = join(__dirname, 'slot-worker.js');
    if (!existsSync(filename))
      throw new Error(`slot worker not built: ${filename} (run the build)`);
    this.pool = new Piscina<SlotTask, BatchOutcome>({
      filename,
      minThreads: 0,
      maxThreads: Math.max(1, context.maxSlots),
      idleTimeout: 1_000,
      // Threads only drive child processes and parse their output.
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
  }

  execute(batch: Batch): Promise<BatchOutcome> {
    const { port1, port2 } = new MessageChannel();
    const { context } = this;
    const nodeOptions = [
      context.env['NODE_OPTIONS'] ?? '',
      context.memoryPerWorkerMb === undefined
        ? ''
        : `--max-old-space-size=${context.memoryPerWorkerMb}`,
    ]
      .filter(Boolean)
      .join(' ');
    const env: Record<string, string> = {
      SHARDWISE_WORKER_ID: String(batch.slotId),
      SHARDWISE_RUN_ID: context.runId,
      FORCE_COLOR: '0',
      ...(nodeOptions === '' ? {} : { NODE_OPTIONS: nodeOptions }),
    };
    const task: SlotTask = {
      runner: batch.runner,
      input: {
        workspaceRoot: context.workspaceRoot,
        projectRoot: batch.projectRoot,
        files: batch.files.map((f) => f.path),
        outputDir: join(context.scratchDir, `batch-${batch.id}`),
        passThrough: [...context.passThrough],
        updateSnapshots: context.updateSnapshots,
        command: batch.command,
      },
      env,
      timeoutMs: batch.timeoutMs,
      orchestratorPid: process.pid,
      port: port2,
    };
    const done = this.pool.run(task, { transferList: [port2] }).finally(() => {
      port1.close();
      this.running.delete(batch.id);
    });
    this.running.set(batch.id, { port: port1, done });
    return done;
  }

  async cancelAll(): Promise<void> {
    const running = [...this.running.values()];
    for (const { port } of running) port.postMessage('cancel');
    await Promise.allSettled(running.map((r) => r.done));
  }

  async close(): Promise<void> {
    await this.cancelAll();
    await this.pool.destroy();
  }
}
