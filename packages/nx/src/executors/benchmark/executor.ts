/** The `benchmark` executor: @shardwise/core's compareRuns for one project and category. */
import type { ExecutorContext } from '@nx/devkit';
import {
  CLI_PATH,
  closeParsePool,
  compareRuns,
  formatBench,
  loadConfig,
  planWorkspace,
} from '@shardwise/core';

export interface BenchmarkExecutorOptions {
  category?: string;
  rounds?: number;
}

export default async function benchmarkExecutor(
  options: BenchmarkExecutorOptions,
  context: ExecutorContext,
): Promise<{ success: boolean }> {
  const projectName = context.projectName;
  if (projectName === undefined)
    throw new Error('Shardwise: the benchmark executor needs a project');
  const projectRoot = context.projectsConfigurations?.projects[projectName]?.root ?? '';
  const { config } = loadConfig({ workspaceRoot: context.root });
  let plan;
  try {
    plan = await planWorkspace({ workspaceRoot: context.root, config });
  } finally {
    await closeParsePool();
  }
  const project = plan.projects.find((p) => p.root === (projectRoot === '.' ? '' : projectRoot));
  if (project === undefined)
    throw new Error(`Shardwise: project "${projectName}" has no test files to benchmark`);
  const result = await compareRuns({
    workspaceRoot: context.root,
    config,
    plan,
    selection: { category: options.category ?? 'unit', project: project.name },
    rounds: options.rounds ?? 3,
    cliPath: CLI_PATH,
    log: (line) => process.stdout.write(`${line}\n`),
  });
  process.stdout.write(`${formatBench(result)}\n`);
  return {
    success:
      result.standard.exitCodes.every((c) => c === 0) &&
      result.shardwise.exitCodes.every((c) => c === 0),
  };
}
