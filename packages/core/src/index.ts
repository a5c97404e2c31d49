/** @shardwise/core: the engine. The CLI and the Nx plugin are built on these exports. */
export { ShardwiseError, ConfigError, UsageError, GitError, isShardwiseError } from './errors';
export {
  loadConfig,
  resolveConfig,
  findRawConfig,
  NX_PLUGIN_NAME,
  CONFIG_FILE_NAME,
  type ConfigSource,
  type LoadedConfig,
} from './config/load-config';
export type {
  ShardwiseConfig,
  CategoryConfig,
  OptimizationLevel,
  RunnerName,
} from './config/schema';
export { PRESETS, type Preset } from './config/presets';
export {
  planWorkspace,
  type WorkspacePlan,
  type ProjectPlan,
  type CategoryPlan,
  type PlannedShard,
  type PlannedFile,
} from './api/plan-workspace';
export { findAffectedTests, type AffectedTest } from './api/affected';
// The programmatic API (docs/api.md): what the CLI and the Nx executor call.
export {
  plan,
  affected,
  run,
  report,
  type WorkspaceOptions,
  type AffectedOptions,
  type AffectedResult,
  type RunOptions,
  type RunHandle,
  type RunEvent,
  type ReportOptions,
} from './api/shardwise-api';
export { runningUnderNx, ownsTerminal } from './api/output-mode';
export {
  createSystemSampler,
  readContainerLimits,
  type ResourceSample,
  type ResourceSampler,
  type ContainerLimits,
} from './run/resources';
export {
  findBottleneck,
  formatResourceLines,
  withResourceLines,
  type Bottleneck,
  type BottleneckVerdict,
} from './run/resources/bottleneck';
export { WatchSession, type WatchEvent, type WatchTrigger } from './watch/watch-session';
export { runWatch, type WatchCommandOptions } from './cli/watch-command';
export {
  loadHooks,
  type ShardwiseHooks,
  type ClassifiedFile,
  type MachineInfo,
  type FileKind,
} from './api/hooks';
export { changedFilesSince } from './vcs/changed-files';
export { closeParsePool } from './graph/parse-pool';
export { assignShards, shardBalance } from './plan/shards';
export { readTimings, parseTimings, writeTimings, TIMINGS_FILE } from './plan/timings';
export { rawConfigSchema } from './config/schema';
export {
  runReportSchema,
  REPORT_SCHEMA_VERSION,
  type RunReport,
  type ReportFile,
  type ReportTest,
  type FailureCategory,
} from './report/report-schema';
export { runTests, type RunSelection, type RunFlags, type RunTestsResult } from './run/run-tests';
export { SlotPool } from './run/slot-pool';
export { formatRunSummary } from './report/terminal-summary';
export {
  LiveProgress,
  progressHooks,
  progressModeFor,
  type ProgressStart,
} from './report/live-progress';
export {
  mergeRunReports,
  readShardReport,
  type MergeContext,
  type MergeStep,
} from './report/merge-reports';
export { renderHtmlReport } from './report/html-report';
export {
  mergeCoverage,
  writeAccumulatedCoverage,
  readCoverageFile,
  formatCoverageLine,
  COVERAGE_FILES,
  type MergedCoverage,
  type CoverageTotals,
} from './test-coverage/merge-coverage';
export { mergeShardCoverage } from './test-coverage/merge-step';
export { CoverageAccumulator } from './test-coverage/coverage-accumulator';
export { CoverageMapStore } from './cache/coverage-maps';
export type { CoverageData } from './test-coverage/file-artifacts';
export { exitCodeOf } from './report/build-report';
export { getRunnerAdapter } from './runners/registry';
export type { RunnerAdapter, FileRunResult, TestCaseResult } from './runners/types';
export { collectClosure } from './graph/closure-hash';
export { CODE_FILE } from './graph/parse-imports';
export { packageNameOf } from './graph/resolve-module';
export { estimateDurationMs } from './plan/timings';
export { suggestShardCount, DEFAULT_TARGET_SECONDS } from './plan/suggest-shards';
export {
  DEFAULT_CATEGORIES,
  DEFAULT_TEST_MATCH,
  ALWAYS_IGNORED,
  DEFAULT_TARGET_PREFIX,
} from './config/defaults';
export { compileGlobs, createClassifier, type FileClassifier } from './discovery/categorize';
export { detectRunner, type RunnerDetection } from './discovery/detect-runner';
export type { Project } from './discovery/projects';
export { withFileLock, isProcessAlive } from './util/file-lock';
export { recordReportTimings } from './cache/timing-history';
export { compareRuns, formatBench, CLI_PATH, type BenchResult } from './bench/compare-runs';
