/**
 * The programmatic API of @shardwise/core: `plan`, `affected`, `run` (a typed event stream and
 * a promise of the report) and `report`. The `shardwise` CLI and the Nx executor are built on these
 * same functions; docs/api.md describes them and how the original system's classes map onto them.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { loadConfig } from '../config/load-config';
import type { ShardwiseConfig } from '../config/schema';
import { UsageError } from '../errors';
import { runReportSchema, type RunReport } from '../report/report-schema';
import type { ExecutorContext, RunTestsOptions, RunTestsResult } from '../run/run-tests';
import type { BatchExecutor, SchedulerEvent } from '../run/scheduler';
import type { SlotPool } from '../run/slot-pool';
import { changedFilesSince } from '../vcs/changed-files';
import { findAffectedTests, type AffectedTest } from './affected';
import { loadHooks, type ShardwiseHooks } from './hooks';
import { planWorkspace, type WorkspacePlan } from './plan-workspace';

export interface WorkspaceOptions {
  /** Absolute workspace root. */
  workspaceRoot: string;
  /** An explicit config file instead of nx.json's plugin options or shardwise.config.json. */
  configFile?: string | undefined;
  /** An already loaded configuration (skips loading). */
  config?: ShardwiseConfig | undefined;
  env?: NodeJS.ProcessEnv | undefined;
}

function configOf(options: WorkspaceOptions): ShardwiseConfig {
  return (
    options.config ??
    loadConfig({
      workspaceRoot: options.workspaceRoot,
      ...(options.configFile === undefined ? {} : { configFile: options.configFile }),
      ...(options.env === undefined ? {} : { env: options.env }),
    }).config
  );
}

/** Categories, shards, files, estimates and closure hashes of the workspace. */
export async function plan(options: WorkspaceOptions): Promise<WorkspacePlan> {
  return planWorkspace({
    workspaceRoot: options.workspaceRoot,
    config: configOf(options),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
}

export interface AffectedOptions extends WorkspaceOptions {
  /** Git ref: files changed since its merge base with HEAD (and uncommitted ones). */
  base?: string | undefined;
  /** Workspace-relative changed files, instead of git. */
  files?: readonly string[] | undefined;
  /** A plan already made (watch mode reuses one). */
  plan?: WorkspacePlan | undefined;
}

export interface AffectedResult {
  changed: string[];
  affected: AffectedTest[];
}

/** The test files whose closure (or shared inputs) holds a changed file. */
export async function affected(options: AffectedOptions): Promise<AffectedResult> {
  if (options.base === undefined && options.files === undefined)
    throw new UsageError('affected: expected a git base ref or a list of changed files');
  const changed = [...(options.files ?? changedFilesSince(options.workspaceRoot, options.base!))];
  const workspacePlan = options.plan ?? (await plan(options));
  return { changed, affected: findAffectedTests(workspacePlan, changed) };
}

/** Everything a run reports while it goes, in order. */
export type RunEvent =
  | SchedulerEvent
  | { type: 'sample'; sample: RunReport['samples'][number] }
  | { type: 'log'; line: string }
  | { type: 'end'; result: RunTestsResult };

export interface RunOptions
  extends
    WorkspaceOptions,
    Omit<RunTestsOptions, 'workspaceRoot' | 'config' | 'plan' | 'createExecutor' | 'hooks'> {
  /** A plan already made; planned now otherwise. */
  plan?: WorkspacePlan | undefined;
  /** The batch executor; a fresh slot pool (closed after the run) by default. */
  createExecutor?: ((context: ExecutorContext) => BatchExecutor) | undefined;
  /**
   * Plugin functions; each one given here replaces the one from the config's `hooks` module.
   */
  hooks?: ShardwiseHooks | undefined;
}

export interface RunHandle extends AsyncIterable<RunEvent> {
  /** The report, once the run ends. Rejects when the run cannot start (config, selection). */
  readonly result: Promise<RunTestsResult>;
  /** Calls `listener` synchronously for every event; returns the unsubscribe function. */
  on(listener: (event: RunEvent) => void): () => void;
  /** Stops the run: running files are ended, the rest reported as not run. */
  cancel(): void;
}

/**
 * Starts a run and returns at once. Iterate the handle (right away: events are buffered only
 * for iterators that exist) or subscribe with `on`, and await `result` for the report.
 */
export function run(options: RunOptions): RunHandle {
  const listeners = new Set<(event: RunEvent) => void>();
  const controller = new AbortController();
  if (options.signal?.aborted) controller.abort();
  options.signal?.addEventListener('abort', () => controller.abort(), { once: true });
  const emit = (event: RunEvent) => {
    for (const listener of listeners) listener(event);
  };

  const result = (async (): Promise<RunTestsResult> => {
    // Let the caller subscribe before the first event.
    await Promise.resolve();
    const config = configOf(options);
    const workspacePlan =
      options.plan ?? (await plan({ ...options, config, workspaceRoot: options.workspaceRoot }));
    const fromConfig = await loadHooks(options.workspaceRoot, config.hooks);
    const hooks: ShardwiseHooks = { ...fromConfig, ...definedHooks(options.hooks) };
    // Loaded here, not at the top: plan and affected (and the CLI's start) need none of it.
    const { runTests } = await import('../run/run-tests.js');
    const { SlotPool } = await import('../run/slot-pool.js');
    let ownPool: SlotPool | undefined;
    const createExecutor =
      options.createExecutor ?? ((context: ExecutorContext) => (ownPool = new SlotPool(context)));
    try {
      const outcome = await runTests({
        ...options,
        config,
        plan: workspacePlan,
        hooks,
        signal: controller.signal,
        createExecutor,
        onEvent: (event) => {
          options.onEvent?.(event);
          emit(event);
        },
        onSample: (sample) => {
          options.onSample?.(sample);
          emit({ type: 'sample', sample });
        },
        log: (line) => {
          options.log?.(line);
          emit({ type: 'log', line });
        },
      });
      emit({ type: 'end', result: outcome });
      return outcome;
    } finally {
      await ownPool?.close();
    }
  })();

  return {
    result,
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    cancel: () => controller.abort(),
    [Symbol.asyncIterator](): AsyncIterator<RunEvent> {
      const buffered: RunEvent[] = [];
      let wake: (() => void) | undefined;
      let finished = false;
      let failure: unknown;
      const listener = (event: RunEvent) => {
        buffered.push(event);
        wake?.();
      };
      listeners.add(listener);
      result.then(
        () => undefined,
        (error: unknown) => (failure = error),
      );
      void result
        .catch(() => undefined)
        .finally(() => {
          finished = true;
          wake?.();
        });
      return {
        async next(): Promise<IteratorResult<RunEvent>> {
          for (;;) {
            const event = buffered.shift();
            if (event !== undefined) return { value: event, done: false };
            if (finished) {
              listeners.delete(listener);
              if (failure !== undefined) throw failure;
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => (wake = resolve));
            wake = undefined;
          }
        },
        async return(): Promise<IteratorResult<RunEvent>> {
          listeners.delete(listener);
          return { value: undefined, done: true };
        },
      };
    },
  };
}

function definedHooks(hooks: ShardwiseHooks | undefined): ShardwiseHooks {
  if (hooks === undefined) return {};
  return {
    ...(hooks.classify === undefined ? {} : { classify: hooks.classify }),
    ...(hooks.workers === undefined ? {} : { workers: hooks.workers }),
  };
}

export interface ReportOptions extends WorkspaceOptions {
  /** The report folder (default: the config's `reportDir`). */
  reportDir?: string | undefined;
  /** A run id; default: the `latest` pointer. */
  runId?: string | undefined;
}

/** Reads and validates a run's report (the latest by default). */
export async function report(options: ReportOptions): Promise<{ report: RunReport; dir: string }> {
  const config = configOf(options);
  const base = options.reportDir ?? config.reportDir;
  const reportDir = isAbsolute(base) ? base : join(options.workspaceRoot, base);
  let runId = options.runId;
  if (runId === undefined) {
    try {
      runId = readFileSync(join(reportDir, 'latest'), 'utf8').trim();
    } catch {
      throw new UsageError(`report: no run recorded in ${reportDir} (no "latest" pointer)`);
    }
  }
  const dir = join(reportDir, runId);
  const path = join(dir, 'report.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new UsageError(`report: cannot read ${path}: ${(error as Error).message}`);
  }
  const parsed = runReportSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `report: ${path}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid report'}`,
    );
  }
  return { report: parsed.data, dir };
}
