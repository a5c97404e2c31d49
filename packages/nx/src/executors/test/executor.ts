/**
 * The `test` executor: runs a project's tests through @shardwise/core. For a shard target it runs
 * exactly the files listed in the target's metadata (what Nx hashed), and refuses to run when this
 * run's own plan disagrees, instead of running a different set under the same hash. Test failures
 * return `{ success: false }`; configuration problems throw.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import {
  closeParsePool,
  exitCodeOf,
  formatCoverageLine,
  formatRunSummary,
  LiveProgress,
  loadConfig,
  ownsTerminal,
  planWorkspace,
  progressHooks,
  run,
  runWatch,
  SlotPool,
  withResourceLines,
  type OptimizationLevel,
} from '@shardwise/core';
import { taskReportDir, type ShardMetadata } from '../../plugins/project-targets';

export interface TestExecutorOptions {
  category?: string;
  shard?: number;
  files?: string[];
  optimization?: OptimizationLevel;
  workers?: number;
  maxWorkers?: number;
  timeout?: number;
  failFast?: boolean | number;
  retries?: number;
  cache?: boolean;
  clearCache?: boolean;
  updateSnapshots?: boolean;
  coverage?: boolean;
  verbose?: boolean;
  /** Rerun the tests a save reaches, until `q` (see `shardwise watch`). */
  watch?: boolean;
  args?: string[];
}

function shardMetadata(context: ExecutorContext): ShardMetadata | undefined {
  const project =
    context.projectName === undefined
      ? undefined
      : context.projectGraph?.nodes[context.projectName];
  const target =
    context.targetName === undefined ? undefined : project?.data.targets?.[context.targetName];
  const metadata = (target?.metadata as { shardwise?: ShardMetadata } | undefined)?.shardwise;
  return metadata;
}

export default async function testExecutor(
  options: TestExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const projectName = context.projectName;
  const targetName = context.targetName;
  if (projectName === undefined || targetName === undefined)
    throw new Error('Shardwise: the test executor needs a project and a target');
  const configuredRoot = context.projectsConfigurations?.projects[projectName]?.root ?? '';
  const projectRoot = configuredRoot === '.' ? '' : configuredRoot;
  const workspaceRoot = context.root;
  const { config } = loadConfig({ workspaceRoot });
  let plan;
  try {
    // This project alone: a shard task reads only the files its project's tests reach.
    plan = await planWorkspace({ workspaceRoot, config, projectRoots: [projectRoot] });
  } finally {
    await closeParsePool();
  }
  const project = plan.projects.find((p) => p.root === projectRoot);
  if (project === undefined) {
    process.stdout.write(
      `Shardwise: project "${projectName}" has no test files; nothing to run.\n`,
    );
    return { success: true };
  }

  let files = options.files;
  if (options.shard !== undefined) {
    if (options.category === undefined) throw new Error('Shardwise: "shard" needs "category"');
    const fromGraph = shardMetadata(context);
    const planned =
      project.categories
        .find((c) => c.name === options.category)
        ?.shards.find((s) => s.index === options.shard)
        ?.files.map((f) => f.path) ?? [];
    if (fromGraph !== undefined) {
      const graphFiles = [...fromGraph.files].sort();
      const plannedFiles = [...planned].sort();
      if (JSON.stringify(graphFiles) !== JSON.stringify(plannedFiles)) {
        const missing = plannedFiles.filter((f) => !graphFiles.includes(f));
        const extra = graphFiles.filter((f) => !plannedFiles.includes(f));
        throw new Error(
          `Shardwise: ${projectName}:${targetName} was hashed with ${graphFiles.length} file(s) but the workspace now plans ${plannedFiles.length} for it` +
            `${missing.length > 0 ? ` (new: ${missing.slice(0, 5).join(', ')})` : ''}${extra.length > 0 ? ` (gone: ${extra.slice(0, 5).join(', ')})` : ''}. ` +
            'The project graph is stale: run `nx reset` and try again.',
        );
      }
      files = fromGraph.files;
    } else {
      files = planned;
    }
  }

  if (options.watch === true) {
    await runWatch({
      cwd: workspaceRoot,
      configFile: undefined,
      project: project.name,
      category: options.category,
      flags: {
        optimization: options.optimization,
        workers: options.workers,
        maxWorkers: options.maxWorkers,
        timeoutMs: options.timeout,
        retries: options.retries,
        passThrough: options.args,
      },
      debounceMs: 200,
      json: false,
      verbose: options.verbose === true,
      argv: process.argv.slice(2),
    });
    return { success: true };
  }

  const reportDir = join(workspaceRoot, taskReportDir(projectName, targetName));
  // The folder is this task's cached output: it holds this run's report and nothing older.
  rmSync(reportDir, { recursive: true, force: true });
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let pool: SlotPool | undefined;
  // Under Nx the executor never owns the terminal (Nx's TUI or static output lays it out):
  // plain lines, then one summary block. Run by hand on a terminal, the live view.
  const live = ownsTerminal(process.stderr);
  const progress = live
    ? new LiveProgress({ stream: process.stderr, mode: 'live', verbose: options.verbose })
    : undefined;
  try {
    const { report, written, coverage } = await run({
      workspaceRoot,
      config,
      plan,
      selection: { project: project.name, category: options.category, files },
      flags: {
        optimization: options.optimization,
        workers: options.workers,
        maxWorkers: options.maxWorkers,
        timeoutMs: options.timeout,
        failFast:
          options.failFast === true ? 1 : options.failFast === false ? undefined : options.failFast,
        retries: options.retries,
        noCache: options.cache === false,
        clearCache: options.clearCache,
        updateSnapshots: options.updateSnapshots,
        coverage: options.coverage,
        passThrough: options.args,
        reportDir,
      },
      argv: process.argv.slice(2),
      signal: controller.signal,
      createExecutor: (executorContext) => (pool = new SlotPool(executorContext)),
      ...(progress === undefined
        ? {
            onEvent: (event) => {
              if (
                event.type === 'file-done' &&
                (options.verbose || event.outcome.status === 'failed')
              ) {
                process.stdout.write(
                  `${event.outcome.status.toUpperCase().padEnd(7)} ${event.outcome.file.path}\n`,
                );
              }
            },
          }
        : progressHooks(progress)),
    }).result;
    progress?.stop();
    // One write: the summary block stays in one piece in Nx's captured output.
    const summary = withResourceLines(formatRunSummary(report, written.dir), report);
    const coverageLine = coverage === undefined ? '' : `${formatCoverageLine(coverage)}\n`;
    process.stdout.write(`${summary}\n${coverageLine}`);
    return { success: exitCodeOf(report) === 0 };
  } finally {
    progress?.stop();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool?.close();
  }
}
