/**
 * One test run, wired: plan → selection → result cache → scheduler on the slot pool → history,
 * cache writes and the report. The CLI's `run` (and the Nx executor) call this.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, freemem, totalmem } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { classifyWith, workersWith, type ShardwiseHooks } from '../api/hooks';
import type { CategoryPlan, ProjectPlan, WorkspacePlan } from '../api/plan-workspace';
import { PRESETS } from '../config/presets';
import type { OptimizationLevel, ShardwiseConfig } from '../config/schema';
import { compileGlobs } from '../discovery/categorize';
import { ConfigError, UsageError } from '../errors';
import { resultCacheKey, ResultCache } from '../cache/result-cache';
import { RunLog } from '../cache/run-log';
import { readFileArtifacts, type FileArtifact } from '../test-coverage/file-artifacts';
import type { MergedCoverage } from '../test-coverage/merge-coverage';
import { collectsCoverage, RunCoverage } from '../test-coverage/run-coverage';
import { TimingHistory } from '../cache/timing-history';
import { buildReport, type CachedFileEntry } from '../report/build-report';
import { startCpuProfile } from '../report/cpu-profile';
import { describeSchedulingEvent, stderrDebugLog, type DebugLog } from '../report/debug-log';
import { renderHtmlReport } from '../report/html-report';
import type { ProgressStart } from '../report/live-progress';
import { htmlContextFor } from '../report/report-insights';
import { historyEntryOf, RunHistory, type HistoryRead } from '../history/run-history';
import type { ReportTest, RunReport } from '../report/report-schema';
import { writeRunReport, type WrittenReport } from '../report/write-report';
import { relativeTo } from '../util/paths';
import { claimScratchDir } from '../util/scratch-dirs';
import { outputDirIssue } from '../config/output-dirs';
import { assertUsableCacheDir } from '../cache/cache-dir';
import { computePoolCapacity } from './resources/pool-capacity';
import { PoolSizer } from './resources/pool-sizer';
import { createSystemSampler, type ResourceSampler } from './resources/resource-sampler';
import { readContainerLimits } from './resources/container-limits';
import { SlotTable } from './resources/slot-table';
import {
  Scheduler,
  type BatchExecutor,
  type Clock,
  type RunnerKind,
  type SchedulerEvent,
  type SlotSource,
  type WorkFile,
} from './scheduler';

export interface RunSelection {
  category?: string | undefined;
  project?: string | undefined;
  /** 1-based shard of the selected category. */
  shard?: number | undefined;
  /** Workspace-relative test files; only these run. */
  files?: readonly string[] | undefined;
}

export interface RunFlags {
  optimization?: OptimizationLevel | undefined;
  workers?: number | undefined;
  maxWorkers?: number | undefined;
  timeoutMs?: number | undefined;
  failFast?: number | undefined;
  retries?: number | undefined;
  noCache?: boolean | undefined;
  clearCache?: boolean | undefined;
  updateSnapshots?: boolean | undefined;
  /** Collect coverage per test file and merge it into `<report>/coverage/` (cached files too). */
  coverage?: boolean | undefined;
  passThrough?: readonly string[] | undefined;
  reportDir?: string | undefined;
  cacheDir?: string | undefined;
}

export interface RunTestsOptions {
  workspaceRoot: string;
  config: ShardwiseConfig;
  plan: WorkspacePlan;
  selection?: RunSelection;
  flags?: RunFlags;
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Creates the batch executor for this run (the slot pool by default). */
  createExecutor: (context: ExecutorContext) => BatchExecutor;
  sampler?: ResourceSampler;
  slotSource?: SlotSource;
  clock?: Clock;
  onEvent?: (event: SchedulerEvent) => void;
  /** Once the run's size is known (after the cache look-ups), before the first batch. */
  onStart?: (start: ProgressStart) => void;
  /** Where `debugMode` logs scheduling decisions (stderr by default). */
  debugLog?: DebugLog;
  /** Each resource reading, as recorded in the report's samples. */
  onSample?: (sample: RunReport['samples'][number]) => void;
  /** Plugin functions (see api/hooks.ts): file classification and the worker count. */
  hooks?: ShardwiseHooks;
  log?: (line: string) => void;
}

export interface ExecutorContext {
  workspaceRoot: string;
  runId: string;
  /** Absolute folder for batch outputs; removed after the run. */
  scratchDir: string;
  passThrough: readonly string[];
  updateSnapshots: boolean;
  coverage: boolean;
  /** Absolute folder where children write per-test-file artifacts (coverage, snapshots). */
  artifactsDir: string;
  memoryPerWorkerMb: number | undefined;
  maxSlots: number;
  env: NodeJS.ProcessEnv;
  /** Keep a slot's Vitest warm across batches (off under strict isolation). */
  warmVitest: boolean;
}

export interface RunTestsResult {
  report: RunReport;
  written: WrittenReport;
  /** The merged coverage report (coverage runs only). */
  coverage?: MergedCoverage | undefined;
  /** Runners among the selected files that collect no coverage (node:test, commands). */
  coverageUnsupported?: string[];
  /** Test files with snapshots their runner reports as obsolete. */
  obsoleteSnapshots: Array<{ path: string; keys: string[] }>;
}

const DEFAULT_FILE_TIMEOUT_MS = 10 * 60_000;
/** Sampling every half second lets the pool reach its size within a few seconds of a run. */
const SAMPLE_INTERVAL_MS = 500;
const SIZER_COOLDOWN_MS = 1_000;

const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function newRunId(now = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

interface SelectedFile {
  project: ProjectPlan;
  category: CategoryPlan;
  shard: number;
  path: string;
  closureHash: string;
  estimatedMs: number;
}

function select(plan: WorkspacePlan, selection: RunSelection): SelectedFile[] {
  const { category, project, shard, files } = selection;
  if (category !== undefined && !plan.config.categories.some((c) => c.name === category)) {
    throw new UsageError(
      `unknown category "${category}"; configured: ${plan.config.categories.map((c) => c.name).join(', ')}`,
    );
  }
  if (project !== undefined && !plan.projects.some((p) => p.name === project)) {
    throw new UsageError(
      `unknown project "${project}" (or it has no test files); projects with tests: ${plan.projects.map((p) => p.name).join(', ')}`,
    );
  }
  if (shard !== undefined && category === undefined)
    throw new UsageError('--shard needs --category');
  const wanted = files === undefined ? undefined : new Set(files);
  const selected: SelectedFile[] = [];
  for (const p of plan.projects) {
    if (project !== undefined && p.name !== project) continue;
    for (const c of p.categories) {
      if (category !== undefined && c.name !== category) continue;
      if (shard !== undefined && (shard < 1 || shard > c.shards.length)) {
        throw new UsageError(
          `--shard ${shard}: category "${c.name}" has ${c.shards.length} shard(s)`,
        );
      }
      for (const s of c.shards) {
        if (shard !== undefined && s.index !== shard) continue;
        for (const f of s.files) {
          if (wanted !== undefined && !wanted.has(f.path)) continue;
          selected.push({
            project: p,
            category: c,
            shard: s.index,
            path: f.path,
            closureHash: f.closureHash,
            estimatedMs: f.durationMs,
          });
        }
      }
    }
  }
  if (wanted !== undefined) {
    const found = new Set(selected.map((s) => s.path));
    const missing = [...wanted].filter((f) => !found.has(f));
    if (missing.length > 0)
      throw new UsageError(`not test files of the selection: ${missing.join(', ')}`);
  }
  return selected;
}

function runnerOf(
  project: ProjectPlan,
  category: CategoryPlan,
  config: ShardwiseConfig,
): { runner: RunnerKind; command: string | undefined } {
  const override = category.config.runner ?? config.runner;
  if (override !== undefined)
    return typeof override === 'string'
      ? { runner: override, command: undefined }
      : { runner: 'command', command: override.command };
  if (project.runner === 'jest' || project.runner === 'vitest' || project.runner === 'node')
    return { runner: project.runner, command: undefined };
  throw new ConfigError(
    `No test runner found for project "${project.name}" (${project.root || '.'}): ${project.runnerReason}. Set "runner" ("jest", "vitest", "node" or { "command": "… {files} … {junit}" }) in the Shardwise configuration.`,
  );
}

/** CPU time of this process and of the runner processes it has waited for (Linux: /proc). */
function processTreeCpuMs(): number {
  const own = process.resourceUsage();
  let children = 0;
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // Fields after the command: cutime and cstime are the 14th and 15th, in clock ticks (100/s).
    children = ((Number(fields[13]) || 0) + (Number(fields[14]) || 0)) * 10;
  } catch {
    // Not Linux: the report counts this process only.
  }
  return (own.userCPUTime + own.systemCPUTime) / 1000 + children;
}

export async function runTests(options: RunTestsOptions): Promise<RunTestsResult> {
  if (!options.config.profileExecution) return runTestsUnprofiled(options);
  // OPTIMIZED_TEST_PROFILE_EXECUTION: a CPU profile of this process, next to the report.
  const profiler = await startCpuProfile();
  try {
    const result = await runTestsUnprofiled(options);
    const path = join(result.written.dir, 'orchestrator.cpuprofile');
    await profiler.save(path);
    options.log?.(`CPU profile: ${path}`);
    return result;
  } finally {
    profiler.dispose();
  }
}

async function runTestsUnprofiled(options: RunTestsOptions): Promise<RunTestsResult> {
  const { workspaceRoot, config, plan } = options;
  const flags = options.flags ?? {};
  const env = options.env ?? process.env;
  const clock = options.clock ?? realClock;
  const log = options.log ?? (() => undefined);
  const hooks = options.hooks ?? {};
  const debug = config.debugMode ? (options.debugLog ?? stderrDebugLog()) : undefined;
  const started = new Date();
  const startMs = clock.now();
  const cpuAtStart = processTreeCpuMs();
  const runId = newRunId(started);
  const resolvePath = (p: string) => (isAbsolute(p) ? p : join(workspaceRoot, p));
  const cacheDir = resolvePath(flags.cacheDir ?? config.cacheDir);
  const reportDir = resolvePath(flags.reportDir ?? config.reportDir);
  for (const [flag, value] of [
    ['--cache-dir', flags.cacheDir],
    ['--report-dir', flags.reportDir],
  ] as const) {
    const issue = value === undefined ? undefined : outputDirIssue(value, workspaceRoot);
    if (issue !== undefined)
      throw new UsageError(`${flag}: ${issue}, got ${JSON.stringify(value)}`);
  }
  assertUsableCacheDir(cacheDir);
  const passThrough = flags.passThrough ?? [];
  const runPreset = PRESETS[flags.optimization ?? config.optimization];

  const selected = select(plan, options.selection ?? {});
  const resultCache = new ResultCache(cacheDir, config.cacheTtlHours * 3_600_000);
  if (flags.clearCache) resultCache.clear();
  const useCache = !flags.noCache && !flags.updateSnapshots && runPreset.resultCache;
  const history = new TimingHistory(cacheDir);
  const recorded = history.read();

  const cached: CachedFileEntry[] = [];
  const work: WorkFile[] = [];
  const coverage = flags.coverage === true;
  const runCoverage = coverage ? new RunCoverage(workspaceRoot, cacheDir) : undefined;
  for (const file of selected) {
    const key = resultCacheKey(file.closureHash, passThrough, { coverage });
    const fileRunner = runnerOf(file.project, file.category, config).runner;
    if (runCoverage !== undefined && !collectsCoverage(fileRunner))
      runCoverage.addUnsupported(fileRunner);
    const hit = useCache ? resultCache.get(key) : undefined;
    // A coverage run takes a pass from the cache only with the coverage it needs.
    const storedCoverage =
      hit?.coverage === undefined ? undefined : runCoverage?.restore(hit.coverage);
    const usable =
      hit !== undefined &&
      hit.path === file.path &&
      (!coverage || storedCoverage !== undefined || !collectsCoverage(fileRunner));
    if (hit !== undefined && usable) {
      if (storedCoverage !== undefined) runCoverage?.addRestored(file.path, storedCoverage);
      cached.push({
        path: file.path,
        project: file.project.name,
        category: file.category.name,
        shard: file.shard,
        closureHash: file.closureHash,
        durationMs: hit.durationMs,
        tests: hit.tests,
      });
      continue;
    }
    const categoryPreset = PRESETS[flags.optimization ?? file.category.config.optimization];
    const quarantine = compileGlobs(file.category.config.quarantine);
    const { runner, command } = runnerOf(file.project, file.category, config);
    const past = recorded.get(file.path);
    work.push({
      path: file.path,
      project: file.project.name,
      // A project defined by a root runner config runs from the root (runnerRoot '').
      projectRoot: file.project.runnerRoot ?? file.project.root,
      category: file.category.name,
      shard: file.shard,
      runner,
      command,
      closureHash: file.closureHash,
      estimatedMs: past?.durationMs ?? file.estimatedMs,
      previouslyFailed: past?.lastStatus === 'failed',
      firstClass: file.category.name === 'smoke',
      retries: flags.retries ?? file.category.config.retries ?? categoryPreset.retries,
      timeoutMs: flags.timeoutMs ?? file.category.config.timeoutMs ?? DEFAULT_FILE_TIMEOUT_MS,
      quarantined: quarantine(relativeTo(file.path, file.project.root)),
      kind: classifyWith(hooks, {
        path: file.path,
        project: file.project.name,
        category: file.category.name,
      }),
    });
  }

  if (debug !== undefined) {
    debug(
      `selection: ${selected.length} file(s); cache ${useCache ? 'on' : 'off'}: ${cached.length} served, ${work.length} to run`,
    );
    for (const c of cached) debug(`cached ${c.path} (closure ${c.closureHash.slice(0, 12)})`);
    for (const w of work)
      debug(
        `to run ${w.path}: est ${Math.round(w.estimatedMs)}ms (${recorded.has(w.path) ? 'recorded' : 'estimated'}), ${w.runner}, retries ${w.retries}, timeout ${w.timeoutMs}ms`,
      );
  }
  // Pool size: resources, preset, the largest parallel factor among the selected categories.
  const limits = readContainerLimits();
  const sampler = options.sampler ?? createSystemSampler(() => clock.now(), { startMs, limits });
  const monitoring = config.resourceMonitoring && work.length > 0;
  const parallelFactor = Math.max(
    1,
    ...new Set(selected.map((s) => s.category.config.parallelFactor)),
  );
  const fixedWorkers = flags.workers ?? config.workers;
  const computed = computePoolCapacity({
    cores: availableParallelism(),
    cpuQuota: limits.cpuQuota,
    // The sampler's first reading takes half a second; the start size need not wait for it.
    availableMemoryMb: Math.min(freemem() / 2 ** 20, limits.memoryLimitMb ?? Infinity),
    memoryPerWorkerMb: config.memoryPerWorkerMb,
    preset: runPreset,
    parallelFactor,
    workers: fixedWorkers,
    maxWorkers: flags.maxWorkers ?? config.maxWorkers,
  });
  // The config's workers hook decides the slot count unless a flag or key fixes it.
  const hookWorkers =
    fixedWorkers === undefined
      ? workersWith(hooks, {
          cpus: availableParallelism(),
          cpuQuota: limits.cpuQuota,
          memoryMb: Math.min(totalmem() / 2 ** 20, limits.memoryLimitMb ?? Infinity),
          availableMemoryMb: Math.min(freemem() / 2 ** 20, limits.memoryLimitMb ?? Infinity),
          suggested: computed.initial,
          cap: computed.cap,
          files: work.length,
        })
      : undefined;
  const capacity =
    hookWorkers === undefined
      ? computed
      : { initial: hookWorkers, cap: hookWorkers, reason: `workers ${hookWorkers} (hooks)` };
  // CPU-bound files (classify hook) take at most this many slots; I/O-bound ones the whole pool.
  const cpuSlots = Math.max(
    1,
    Math.min(
      capacity.cap,
      Math.round(
        Math.min(availableParallelism(), limits.cpuQuota ?? Infinity) * runPreset.slotsPerCore,
      ),
    ),
  );
  const sizer = new PoolSizer({
    initial: capacity.initial,
    cap: capacity.cap,
    clock: () => clock.now(),
    fixed: !monitoring || fixedWorkers !== undefined || hookWorkers !== undefined,
    memoryPerWorkerMb: config.memoryPerWorkerMb,
    cooldownMs: SIZER_COOLDOWN_MS,
  });
  log(`pool: ${capacity.initial} slot(s), up to ${capacity.cap} (${capacity.reason})`);
  if (work.some((w) => w.kind === 'cpu'))
    log(`pool: CPU-bound files (classify hook) on at most ${cpuSlots} slot(s) at once`);
  debug?.(`pool: ${capacity.initial} slot(s), up to ${capacity.cap} (${capacity.reason})`);
  options.onStart?.({
    totalFiles: selected.length,
    cachedFiles: cached.length,
    estimatedMs: work.reduce((sum, w) => sum + w.estimatedMs, 0),
    maxSlots: capacity.cap,
  });

  const slotTable =
    options.slotSource === undefined ? new SlotTable({ capacity: capacity.cap }) : undefined;
  const slots: SlotSource = options.slotSource ?? {
    tryAcquire: () => slotTable!.tryAcquire(runId),
    acquire: () => slotTable!.acquire(runId, { timeoutMs: 24 * 3_600_000 }),
    release: (id) => slotTable!.release(id),
  };
  // Claimed with this pid; the next run removes it should this one be killed outright.
  const scratchDir = claimScratchDir(join(cacheDir, 'tmp'), runId);
  const artifactsDir = join(scratchDir, 'artifacts');
  const executor = options.createExecutor({
    workspaceRoot,
    runId,
    scratchDir,
    passThrough,
    updateSnapshots: flags.updateSnapshots ?? false,
    coverage,
    artifactsDir,
    memoryPerWorkerMb: config.memoryPerWorkerMb,
    maxSlots: capacity.cap,
    env,
    warmVitest: !config.strictIsolation,
  });

  const dependsOn = new Map(config.categories.map((c) => [c.name, c.dependsOn]));
  const scheduler = new Scheduler({
    files: work,
    dependsOn,
    executor,
    slots,
    clock,
    targetSlots: () => sizer.target,
    maxSlots: capacity.cap,
    failFast: flags.failFast ?? config.failFastThreshold ?? runPreset.failFast,
    strictIsolation: config.strictIsolation,
    cpuSlots,
    signal: options.signal,
    onEvent:
      debug === undefined
        ? options.onEvent
        : (event) => {
            debug(describeSchedulingEvent(event));
            options.onEvent?.(event);
          },
  });

  const samples: RunReport['samples'] = [];
  let sampling = monitoring;
  let stopSampling: () => void = () => undefined;
  const samplingStopped = new Promise<void>((resolve) => (stopSampling = resolve));
  const recordSample = (sample: Awaited<ReturnType<ResourceSampler['sample']>>) => {
    const before = sizer.target;
    const after = sizer.observe(sample, scheduler.busySlots);
    if (after > before) scheduler.notify();
    if (after !== before)
      log(
        `pool: ${before} → ${after} slots (cpu ${Math.round(sample.cpu * 100)}%, memory ${Math.round(sample.memory * 100)}%)`,
      );
    const reading = {
      t: Math.round(sample.t),
      cpu: clamp01(sample.cpu),
      memory: clamp01(sample.memory),
      load: Math.max(0, sample.load),
      disk: sample.disk ?? null,
      network: sample.network ?? null,
      busySlots: scheduler.busySlots,
    };
    samples.push(reading);
    options.onSample?.(reading);
  };
  const samplingLoop = (async () => {
    for (let first = true; sampling; first = false) {
      if (!first) await Promise.race([clock.sleep(SAMPLE_INTERVAL_MS), samplingStopped]);
      if (!sampling) break;
      try {
        recordSample(await sampler.sample());
      } catch (error) {
        log(`resource sampling stopped: ${(error as Error).message}`);
        break;
      }
    }
  })();

  let outcome: Awaited<ReturnType<Scheduler['run']>>;
  let artifacts: Map<string, FileArtifact>;
  try {
    outcome = await scheduler.run();
    // Warm runners exit now, so that their CPU time is in this run's figures.
    await executor.release?.();
    artifacts = readFileArtifacts(artifactsDir, workspaceRoot, log);
  } finally {
    sampling = false;
    stopSampling();
    slotTable?.releaseAll(runId);
    rmSync(scratchDir, { recursive: true, force: true });
  }
  await samplingLoop;

  for (const o of outcome.outcomes) {
    // A pass on retry is still a pass for this closure (as Bazel caches flaky passes); the
    // history keeps the flakiness. Pass-through arguments are part of the key.
    if (
      o.status === 'passed' ||
      o.status === 'flaky' ||
      (o.status === 'skipped' && o.tests.length > 0)
    ) {
      const fileCoverage = artifacts.get(o.file.path)?.coverage;
      // A coverage run never records a pass without the file's coverage (a kill can separate
      // the result line from the artifact); a run without coverage records none.
      const missingCoverage =
        coverage && collectsCoverage(o.file.runner) && fileCoverage === undefined;
      if (!flags.updateSnapshots && !flags.noCache && !missingCoverage)
        resultCache.putPass(
          resultCacheKey(o.file.closureHash, passThrough, { coverage }),
          o.file.path,
          o.durationMs,
          o.tests,
          coverage && fileCoverage !== undefined
            ? (runCoverage?.toStored(fileCoverage) ?? undefined)
            : undefined,
        );
    }
  }
  for (const o of outcome.outcomes) runCoverage?.addFresh(o.file.path, artifacts.get(o.file.path));
  new RunLog(cacheDir).append({
    at: Date.now(),
    runId,
    selected: selected.length,
    cached: cached.length,
    cacheUsed: useCache,
  });
  const obsoleteSnapshots = [...artifacts]
    .filter(([, artifact]) => (artifact.snapshots?.obsolete ?? 0) > 0)
    .map(([path, artifact]) => ({ path, keys: artifact.snapshots?.obsoleteKeys ?? [] }))
    .sort((a, b) => a.path.localeCompare(b.path));
  history.record(
    outcome.outcomes
      .filter((o) => o.status !== 'notRun')
      .map((o) => ({ path: o.file.path, durationMs: o.durationMs, status: o.status })),
    Date.now(),
  );

  const wallMs = clock.now() - startMs;
  const report = buildReport({
    runId,
    startedAt: started,
    workspaceRoot,
    command: options.argv ?? [],
    outcomes: outcome.outcomes,
    cached,
    interrupted: outcome.interrupted,
    wallMs,
    cpuMs: processTreeCpuMs() - cpuAtStart,
    pool: {
      initialSlots: capacity.initial,
      maxSlots: capacity.cap,
      reason: capacity.reason,
      cores: availableParallelism(),
      cpuQuota: limits.cpuQuota ?? null,
      memoryLimitMb: limits.memoryLimitMb ?? null,
    },
    samples,
    busySlotMs: scheduler.busyMs,
  });
  const failedAttempts = new Map<string, ReportTest[][]>(
    outcome.outcomes
      .filter((o) => o.failedAttempts.length > 0)
      .map((o) => [o.file.path, o.failedAttempts]),
  );
  // The run history feeds trends and recommendations; a history that cannot be written (a
  // read-only cache) costs the trends, not the run.
  const runHistory = new RunHistory(cacheDir);
  let recordedRuns: HistoryRead;
  try {
    recordedRuns = runHistory.append(historyEntryOf(report));
  } catch (error) {
    log(`run history not recorded: ${(error as Error).message}`);
    recordedRuns = runHistory.read();
  }
  const written = writeRunReport(reportDir, report, failedAttempts, (r) =>
    renderHtmlReport(r, htmlContextFor({ report: r, history: recordedRuns, config, plan })),
  );
  const mergedCoverage = runCoverage?.write(written.dir);
  return {
    report,
    written,
    coverage: mergedCoverage,
    coverageUnsupported: runCoverage?.unsupportedRunners,
    obsoleteSnapshots,
  };
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
}
