/**
 * Watch mode's engine: on each burst of saves it refreshes the plan (closure hashes and the import
 * graph change with every edit; new and removed files change the file set), finds the test files
 * whose closure holds a saved file, and runs exactly those on one slot pool kept across runs (so a
 * slot's Vitest stays warm). `all` and `failed` requests run every selected test file or the ones
 * that failed last. One run at a time: requests that arrive meanwhile are merged into the next.
 *
 * It knows nothing of terminals: the watch command feeds it keys and prints its events.
 */
import { isAbsolute, join, relative } from 'node:path';
import { TimingHistory } from '../cache/timing-history';
import type { ShardwiseConfig } from '../config/schema';
import type { RunReport } from '../report/report-schema';
import type { RunFlags, RunTestsOptions, RunTestsResult } from '../run/run-tests';
import { SlotPool } from '../run/slot-pool';
import picomatch from 'picomatch';
import { ALWAYS_IGNORED } from '../config/defaults';
import { isInside, toPosix } from '../util/paths';
import { findAffectedTests } from '../api/affected';
import type { ShardwiseHooks } from '../api/hooks';
import { planWorkspace, type WorkspacePlan } from '../api/plan-workspace';
import { run } from '../api/shardwise-api';
import { FileWatcher } from './file-watcher';

export type WatchTrigger = 'change' | 'all' | 'failed';

export type WatchEvent =
  | { type: 'ready'; testFiles: number; watchedFolders: number; failed: string[] }
  | { type: 'plan-refreshed'; added: string[]; removed: string[]; ms: number }
  | { type: 'run-start'; triggers: WatchTrigger[]; changed: string[]; files: string[] }
  | { type: 'nothing-to-run'; triggers: WatchTrigger[]; changed: string[] }
  | {
      type: 'run-end';
      files: Array<{ path: string; status: string }>;
      summary: RunReport['summary'];
      reportDir: string;
      /** The whole report (left out of the command's JSON lines). */
      report: RunReport;
    }
  | { type: 'error'; message: string };

/** The callbacks of one run (a live view, for instance), made fresh for each run. */
export type RunCallbacks = Pick<RunTestsOptions, 'onEvent' | 'onSample' | 'onStart' | 'log'>;

export interface WatchSessionOptions {
  workspaceRoot: string;
  config: ShardwiseConfig;
  flags: RunFlags;
  /** Only test files of this project and/or category. */
  project?: string | undefined;
  category?: string | undefined;
  hooks?: ShardwiseHooks | undefined;
  debounceMs: number;
  onEvent: (event: WatchEvent) => void;
  runCallbacks?: () => RunCallbacks & { done?: () => void };
  argv?: string[];
}

interface Pending {
  changed: Set<string>;
  triggers: Set<WatchTrigger>;
}

export class WatchSession {
  private plan: WorkspacePlan | undefined;
  private watcher: FileWatcher | undefined;
  private pool: SlotPool | undefined;
  private pending: Pending = { changed: new Set(), triggers: new Set() };
  private draining: Promise<void> | undefined;
  private cancelRun: AbortController | undefined;
  private failed = new Set<string>();
  private quitting = false;
  private resolveDone: () => void = () => undefined;
  /** Settles once `quit` has ended the run, the pool and the watcher. */
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(private readonly options: WatchSessionOptions) {}

  async start(): Promise<void> {
    const { workspaceRoot, config } = this.options;
    this.plan = await this.makePlan();
    const history = new TimingHistory(this.absolute(config.cacheDir)).read();
    const tests = this.selectedTests(this.plan);
    this.failed = new Set(tests.filter((t) => history.get(t)?.lastStatus === 'failed'));
    const ignored = [config.cacheDir, config.reportDir, this.options.flags.reportDir]
      .filter((p): p is string => p !== undefined)
      .map((p) => toPosix(relative(workspaceRoot, this.absolute(p))))
      .filter((p) => p !== '' && !p.startsWith('..'));
    // What the workspace scan ignores (node_modules, .git, .nx, .shardwise, dist, coverage,
    // the config's `ignore`), matched as the folder itself too.
    const scanIgnored = picomatch([...ALWAYS_IGNORED, ...config.ignore], { dot: true });
    this.watcher = new FileWatcher({
      workspaceRoot,
      debounceMs: this.options.debounceMs,
      ignore: (path) =>
        scanIgnored(path) ||
        scanIgnored(`${path}/`) ||
        ignored.some((folder) => isInside(path, folder)),
      onChange: (paths) => this.request('change', paths),
      onError: (error) => this.options.onEvent({ type: 'error', message: error.message }),
    });
    this.watcher.sync(this.plan.files);
    this.options.onEvent({
      type: 'ready',
      testFiles: tests.length,
      watchedFolders: this.watcher.watchedFolders,
      failed: [...this.failed].sort(),
    });
  }

  /** A save burst, or a key: merged into the next run. */
  request(trigger: WatchTrigger, changed: readonly string[] = []): void {
    if (this.quitting) return;
    this.pending.triggers.add(trigger);
    for (const path of changed) this.pending.changed.add(path);
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
  }

  /** Ends the current run (its files are reported as not run), the pool and the watcher. */
  async quit(): Promise<void> {
    if (this.quitting) return this.done;
    this.quitting = true;
    this.watcher?.close();
    this.cancelRun?.abort();
    try {
      await this.draining;
    } finally {
      await this.pool?.close();
      this.resolveDone();
    }
  }

  private absolute(path: string): string {
    return isAbsolute(path) ? path : join(this.options.workspaceRoot, path);
  }

  private makePlan(): Promise<WorkspacePlan> {
    return planWorkspace({
      workspaceRoot: this.options.workspaceRoot,
      config: this.options.config,
    });
  }

  /** Test files of the selection (project, category), in plan order. */
  private selectedTests(plan: WorkspacePlan): string[] {
    const files: string[] = [];
    for (const project of plan.projects) {
      if (this.options.project !== undefined && project.name !== this.options.project) continue;
      for (const category of project.categories) {
        if (this.options.category !== undefined && category.name !== this.options.category)
          continue;
        for (const shard of category.shards) for (const file of shard.files) files.push(file.path);
      }
    }
    return files;
  }

  private async drain(): Promise<void> {
    while (!this.quitting && this.pending.triggers.size > 0) {
      const { changed, triggers } = this.pending;
      this.pending = { changed: new Set(), triggers: new Set() };
      try {
        await this.runOnce([...triggers], [...changed].sort());
      } catch (error) {
        this.options.onEvent({ type: 'error', message: (error as Error).message });
      }
    }
  }

  private async runOnce(triggers: WatchTrigger[], saved: string[]): Promise<void> {
    let changed = saved;
    let plan = this.plan!;
    const selected = new Set<string>();
    if (changed.length > 0) {
      // Every save changes closure hashes, and may add or drop files and imports: plan again
      // (unchanged files come from the import cache).
      const started = performance.now();
      const before = plan;
      plan = await this.makePlan();
      this.plan = plan;
      const known = new Set(before.files);
      const now = new Set(plan.files);
      const added = plan.files.filter((f) => !known.has(f));
      const removed = before.files.filter((f) => !now.has(f));
      this.watcher?.sync(plan.files);
      this.options.onEvent({
        type: 'plan-refreshed',
        added,
        removed,
        ms: Math.round(performance.now() - started),
      });
      // Only saves of workspace files count (a folder event names the folder; its new files are
      // among `added`); a burst of anything else (an editor's swap file) runs nothing, quietly.
      const relevant = [
        ...new Set([...changed.filter((f) => known.has(f) || now.has(f)), ...added]),
      ];
      if (relevant.length === 0 && triggers.every((t) => t === 'change')) return;
      changed = relevant;
      // A removed file is gone from the new graph: the old one knows who imported it.
      for (const hit of findAffectedTests(plan, changed)) selected.add(hit.path);
      for (const hit of findAffectedTests(before, removed)) selected.add(hit.path);
    }
    const tests = this.selectedTests(plan);
    const inSelection = new Set(tests);
    if (triggers.includes('all')) for (const t of tests) selected.add(t);
    if (triggers.includes('failed')) for (const t of this.failed) selected.add(t);
    const files = tests.filter((t) => selected.has(t) && inSelection.has(t));
    if (files.length === 0) {
      this.options.onEvent({ type: 'nothing-to-run', triggers, changed });
      return;
    }
    this.options.onEvent({ type: 'run-start', triggers, changed, files });
    const result = await this.runFiles(plan, files);
    for (const file of result.report.files) {
      if (file.status === 'failed') this.failed.add(file.path);
      else if (file.status !== 'notRun') this.failed.delete(file.path);
    }
    for (const path of [...this.failed]) if (!inSelection.has(path)) this.failed.delete(path);
    this.options.onEvent({
      type: 'run-end',
      files: result.report.files.map((f) => ({ path: f.path, status: f.status })),
      summary: result.report.summary,
      reportDir: result.written.dir,
      report: result.report,
    });
  }

  private async runFiles(plan: WorkspacePlan, files: string[]): Promise<RunTestsResult> {
    this.cancelRun = new AbortController();
    const callbacks = this.options.runCallbacks?.() ?? {};
    try {
      return await run({
        workspaceRoot: this.options.workspaceRoot,
        config: this.options.config,
        plan,
        selection: { files },
        // Watch always runs what it selects: no result is read from or written to the cache.
        flags: { ...this.options.flags, noCache: true, clearCache: false },
        ...(this.options.hooks === undefined ? {} : { hooks: this.options.hooks }),
        argv: this.options.argv ?? [],
        signal: this.cancelRun.signal,
        // One pool for the whole session: its warm runners outlive each run.
        createExecutor: (context) => {
          if (this.pool === undefined) this.pool = new SlotPool(context);
          else this.pool.retarget(context);
          const pool = this.pool;
          return { execute: (batch) => pool.execute(batch), cancelAll: () => pool.cancelAll() };
        },
        ...callbacks,
      }).result;
    } finally {
      callbacks.done?.();
      this.cancelRun = undefined;
    }
  }
}
