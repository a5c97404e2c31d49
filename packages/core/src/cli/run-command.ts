/** `shardwise run`: flags → runTests → summary, report, exit code. */
import { planWorkspace } from '../api/plan-workspace';
import { loadConfig } from '../config/load-config';
import { OPTIMIZATION_LEVELS, type OptimizationLevel } from '../config/schema';
import { UsageError } from '../errors';
import { exitCodeOf } from '../report/build-report';
import { LiveProgress, progressHooks, progressModeFor } from '../report/live-progress';
import { formatRunSummary } from '../report/terminal-summary';
import { formatEverydayNotes } from '../test-coverage/everyday-notes';
import { ownsTerminal } from '../api/output-mode';
import { run } from '../api/shardwise-api';
import { withResourceLines } from '../run/resources/bottleneck';
import type { RunFlags, RunSelection } from '../run/run-tests';
import { SlotPool } from '../run/slot-pool';

export interface RunCommandOptions {
  cwd: string;
  configFile: string | undefined;
  selection: RunSelection;
  flags: RunFlags;
  json: boolean;
  verbose: boolean;
  argv: string[];
}

function positiveInt(
  options: Record<string, unknown>,
  key: string,
  flag: string,
  min = 1,
): number | undefined {
  const raw = options[key];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new UsageError(`${flag}: expected an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return value;
}

function parseShard(raw: unknown): { index: number; of: number | undefined } | undefined {
  if (raw === undefined) return undefined;
  const match = /^(\d+)(?:\/(\d+))?$/.exec(String(raw));
  if (match === null)
    throw new UsageError(`--shard: expected k or k/n (like 2 or 2/4), got ${JSON.stringify(raw)}`);
  return { index: Number(match[1]), of: match[2] === undefined ? undefined : Number(match[2]) };
}

export function parseRunFlags(
  options: Record<string, unknown>,
): Omit<RunCommandOptions, 'cwd' | 'configFile' | 'argv'> {
  const optimization = options['optimization'];
  if (
    optimization !== undefined &&
    !OPTIMIZATION_LEVELS.includes(optimization as OptimizationLevel)
  ) {
    throw new UsageError(
      `--optimization: expected one of ${OPTIMIZATION_LEVELS.join(', ')}, got ${JSON.stringify(optimization)}`,
    );
  }
  const failFastRaw = options['failFast'];
  const failFast =
    failFastRaw === undefined
      ? undefined
      : failFastRaw === true
        ? 1
        : positiveInt(options, 'failFast', '--fail-fast');
  const shard = parseShard(options['shard']);
  const files =
    typeof options['files'] === 'string'
      ? options['files']
          .split(',')
          .map((f) => f.trim())
          .filter(Boolean)
      : undefined;
  const passThrough = Array.isArray(options['--']) ? (options['--'] as unknown[]).map(String) : [];
  return {
    selection: {
      category: typeof options['category'] === 'string' ? options['category'] : undefined,
      project: typeof options['project'] === 'string' ? options['project'] : undefined,
      shard: shard?.index,
      files,
      ...(shard?.of === undefined ? {} : { expectedShardCount: shard.of }),
    },
    flags: {
      optimization: optimization as OptimizationLevel | undefined,
      workers: positiveInt(options, 'workers', '--workers'),
      maxWorkers: positiveInt(options, 'maxWorkers', '--max-workers'),
      timeoutMs: positiveInt(options, 'timeout', '--timeout'),
      failFast,
      retries: positiveInt(options, 'retries', '--retries', 0),
      noCache: options['cache'] === false,
      clearCache: options['clearCache'] === true,
      updateSnapshots: options['updateSnapshots'] === true,
      coverage: options['coverage'] === true,
      passThrough,
      reportDir: typeof options['reportDir'] === 'string' ? options['reportDir'] : undefined,
      cacheDir: typeof options['cacheDir'] === 'string' ? options['cacheDir'] : undefined,
    },
    json: options['json'] === true,
    verbose: options['verbose'] === true,
  };
}

export async function runRun(
  options: RunCommandOptions & { selection: RunSelection & { expectedShardCount?: number } },
): Promise<number> {
  const { config } = loadConfig({ workspaceRoot: options.cwd, configFile: options.configFile });
  const plan = await planWorkspace({ workspaceRoot: options.cwd, config });
  const expected = options.selection.expectedShardCount;
  if (expected !== undefined && options.selection.category !== undefined) {
    const configured = config.categories.find((c) => c.name === options.selection.category)?.shards;
    if (configured !== undefined && configured !== expected) {
      throw new UsageError(
        `--shard ${options.selection.shard}/${expected}: category "${options.selection.category}" is configured with ${configured} shard(s)`,
      );
    }
  }
  const controller = new AbortController();
  let exitSignal: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (exitSignal !== undefined) process.exit(signal === 'SIGINT' ? 130 : 143);
    exitSignal = signal;
    process.stderr.write(`\n${signal}: stopping; partial results follow (again to exit at once)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let pool: SlotPool | undefined;
  // A status line redrawn in place on a terminal; plain lines in CI logs and under --json.
  const progress = new LiveProgress({
    stream: process.stderr,
    mode: ownsTerminal(process.stderr) ? progressModeFor(process.stderr, options.json) : 'plain',
    verbose: options.verbose,
  });
  try {
    const result = await run({
      workspaceRoot: options.cwd,
      config,
      plan,
      selection: options.selection,
      flags: options.flags,
      argv: options.argv,
      signal: controller.signal,
      createExecutor: (context) => (pool = new SlotPool(context)),
      ...progressHooks(progress),
      log: options.verbose ? (line) => progress.log(line) : undefined,
    }).result;
    progress.stop();
    const { report, written } = result;
    process.stderr.write(`\n${withResourceLines(formatRunSummary(report, written.dir), report)}\n`);
    for (const line of formatEverydayNotes(result, options.flags))
      process.stderr.write(`${line}\n`);
    if (options.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (exitSignal !== undefined) return exitSignal === 'SIGINT' ? 130 : 143;
    return exitCodeOf(report);
  } finally {
    progress.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool?.close();
  }
}
