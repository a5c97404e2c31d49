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
import { SlotDatabases } from './slot-databases';
import type { SlotTask } from './slot-worker';
import { WarmVitestPool } from './warm-vitest';

export class SlotPool implements BatchExecutor {
  private readonly pool: Piscina<SlotTask, BatchOutcome>;
  private readonly running = new Map<number, { port: MessagePort; done: Promise<BatchOutcome> }>();
  private readonly warm: WarmVitestPool | undefined;
  private cancelWarm = new AbortController();
  private readonly warmRuns = new Set<Promise<BatchOutcome>>();
  private readonly databases: SlotDatabases;

  constructor(private context: ExecutorContext) {
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
    this.databases = new SlotDatabases(context.workspaceRoot);
    this.warm = context.warmVitest
      ? new WarmVitestPool({
          workspaceRoot: context.workspaceRoot,
          passThrough: context.passThrough,
          updateSnapshots: context.updateSnapshots,
          coverage: context.coverage,
          artifactsDir: context.artifactsDir,
          scratchDir: context.scratchDir,
          env: this.baseEnv(),
          guardScript: join(__dirname, 'child-guard.js'),
        })
      : undefined;
  }

  private baseEnv(): Record<string, string> {
    const { context } = this;
    const nodeOptions = [
      context.env['NODE_OPTIONS'] ?? '',
      context.memoryPerWorkerMb === undefined
        ? ''
        : `--max-old-space-size=${context.memoryPerWorkerMb}`,
    ]
      .filter(Boolean)
      .join(' ');
    return {
      SHARDWISE_RUN_ID: context.runId,
      FORCE_COLOR: '0',
      ...(nodeOptions === '' ? {} : { NODE_OPTIONS: nodeOptions }),
    };
  }

  execute(batch: Batch): Promise<BatchOutcome> {
    if (this.databases.entryFor(batch.projectRoot) === undefined)
      return this.executeInSlot(batch, {});
    // A project using @shardwise/db gets its slot's database URL (the slot starts it once).
    const cancelled = this.cancelWarm.signal;
    return this.databases.envFor(batch.slotId, batch.projectRoot).then((databaseEnv) =>
      cancelled.aborted
        ? {
            results: [],
            exitCode: null,
            signal: null,
            timedOut: false,
            cancelled: true,
            stderrTail: '',
          }
        : this.executeInSlot(batch, databaseEnv),
    );
  }

  private executeInSlot(batch: Batch, databaseEnv: Record<string, string>): Promise<BatchOutcome> {
    const { context } = this;
    const env: Record<string, string> = {
      ...this.baseEnv(),
      ...databaseEnv,
      SHARDWISE_WORKER_ID: String(batch.slotId),
    };
    const input = {
      workspaceRoot: context.workspaceRoot,
      projectRoot: batch.projectRoot,
      files: batch.files.map((f) => f.path),
      outputDir: join(context.scratchDir, `batch-${batch.id}`),
      passThrough: [...context.passThrough],
      updateSnapshots: context.updateSnapshots,
      coverage: context.coverage,
      artifactsDir: context.artifactsDir,
      command: batch.command,
    };
    if (batch.runner === 'vitest' && this.warm !== undefined) {
      const done = this.warm.run(batch.slotId, input, env, batch.timeoutMs, this.cancelWarm.signal);
      this.warmRuns.add(done);
      return done.finally(() => this.warmRuns.delete(done));
    }
    const { port1, port2 } = new MessageChannel();
    const task: SlotTask = {
      runner: batch.runner,
      input,
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

  /**
   * Watch mode: the next run reuses this pool, its threads and its warm Vitest processes, with its
   * own run context (run id, scratch folder). Runner flags must not change between runs.
   */
  retarget(context: ExecutorContext): void {
    this.context = context;
    if (this.cancelWarm.signal.aborted) this.cancelWarm = new AbortController();
  }

  async cancelAll(): Promise<void> {
    const running = [...this.running.values()];
    for (const { port } of running) port.postMessage('cancel');
    this.cancelWarm.abort();
    await Promise.allSettled([...running.map((r) => r.done), ...this.warmRuns]);
  }

  async release(): Promise<void> {
    await this.warm?.stopAll();
    await this.databases.stopAll();
  }

  async close(): Promise<void> {
    await this.cancelAll();
    await this.warm?.stopAll();
    await this.databases.stopAll();
    await this.pool.destroy();
  }
}
