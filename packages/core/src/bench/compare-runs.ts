/**
 * `shardwise bench`: the runner's standard command and `shardwise run` over the same files, side
 * by side in one process tree, alternating A B A B for several rounds; reports each side's runs,
 * their medians and the ratio standard / Shardwise. Shardwise runs with `--no-cache`, so the
 * comparison is of execution, not of the result cache.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { WorkspacePlan } from '../api/plan-workspace';
import type { ShardwiseConfig } from '../config/schema';
import { UsageError } from '../errors';
import { standardCommand, type StandardCommand } from './standard-command';

export interface BenchSelection {
  category: string;
  project?: string | undefined;
}

export interface BenchSide {
  label: string;
  commands: string[];
  runsMs: number[];
  medianMs: number;
  exitCodes: number[];
}

export interface BenchResult {
  files: number;
  rounds: number;
  standard: BenchSide;
  shardwise: BenchSide;
  /** standard median / Shardwise median: above 1 means Shardwise is faster. */
  ratio: number;
}

export interface CompareRunsOptions {
  workspaceRoot: string;
  config: ShardwiseConfig;
  plan: WorkspacePlan;
  selection: BenchSelection;
  rounds: number;
  /** The Shardwise CLI entry to run as the optimized side. */
  cliPath: string;
  log?: (line: string) => void;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function timeCommand(command: StandardCommand): Promise<{ ms: number; code: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command.command, command.args, {
      cwd: command.cwd,
      shell: command.shell,
      stdio: 'ignore',
      env: { ...process.env, CI: 'true', FORCE_COLOR: '0' },
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code: code ?? 1 }));
  });
}

export async function compareRuns(options: CompareRunsOptions): Promise<BenchResult> {
  const { plan, selection, workspaceRoot } = options;
  const log = options.log ?? (() => undefined);
  const standard: StandardCommand[] = [];
  let files = 0;
  for (const project of plan.projects) {
    if (selection.project !== undefined && project.name !== selection.project) continue;
    const category = project.categories.find((c) => c.name === selection.category);
    if (category === undefined) throw new UsageError(`unknown category "${selection.category}"`);
    const paths = category.shards.flatMap((s) => s.files.map((f) => f.path));
    if (paths.length === 0) continue;
    files += paths.length;
    const override = category.config.runner ?? options.config.runner;
    const runner =
      override === undefined ? project.runner : typeof override === 'string' ? override : 'command';
    if (runner !== 'jest' && runner !== 'vitest' && runner !== 'node' && runner !== 'command') {
      throw new UsageError(
        `project "${project.name}" has no known runner; set "runner" in the configuration`,
      );
    }
    standard.push(
      standardCommand(
        runner,
        workspaceRoot,
        project.root,
        paths,
        typeof override === 'object' ? override.command : undefined,
      ),
    );
  }
  if (files === 0)
    throw new UsageError(
      `no test files in category "${selection.category}"${selection.project === undefined ? '' : ` of project "${selection.project}"`}`,
    );
  const shardwiseArgs = [
    options.cliPath,
    'run',
    '--cwd',
    workspaceRoot,
    '--category',
    selection.category,
    '--no-cache',
    ...(selection.project === undefined ? [] : ['--project', selection.project]),
  ];
  const shardwiseCommand: StandardCommand = {
    command: process.execPath,
    args: shardwiseArgs,
    cwd: workspaceRoot,
    shell: false,
    display: `shardwise run --category ${selection.category} --no-cache`,
  };

  const a: BenchSide = {
    label: 'standard',
    commands: standard.map((c) => c.display),
    runsMs: [],
    medianMs: 0,
    exitCodes: [],
  };
  const b: BenchSide = {
    label: 'shardwise',
    commands: [shardwiseCommand.display],
    runsMs: [],
    medianMs: 0,
    exitCodes: [],
  };
  for (let round = 1; round <= options.rounds; round++) {
    let total = 0;
    let worst = 0;
    for (const command of standard) {
      const { ms, code } = await timeCommand(command);
      total += ms;
      worst = Math.max(worst, code);
    }
    a.runsMs.push(Math.round(total));
    a.exitCodes.push(worst);
    const optimized = await timeCommand(shardwiseCommand);
    b.runsMs.push(Math.round(optimized.ms));
    b.exitCodes.push(optimized.code);
    log(
      `round ${round}/${options.rounds}: standard ${Math.round(total)} ms, shardwise ${Math.round(optimized.ms)} ms`,
    );
  }
  a.medianMs = median(a.runsMs);
  b.medianMs = median(b.runsMs);
  return {
    files,
    rounds: options.rounds,
    standard: a,
    shardwise: b,
    ratio: b.medianMs > 0 ? a.medianMs / b.medianMs : 0,
  };
}

export function formatBench(result: BenchResult): string {
  const side = (s: BenchSide) =>
    `${s.label.padEnd(10)} median ${(s.medianMs / 1000).toFixed(2)}s  runs ${s.runsMs.map((ms) => (ms / 1000).toFixed(2)).join(', ')}s  exit ${[...new Set(s.exitCodes)].join('/')}\n             ${s.commands.join('\n             ')}`;
  return [
    `Benchmark: ${result.files} files, ${result.rounds} round(s), A B alternating, Shardwise without its result cache`,
    side(result.standard),
    side(result.shardwise),
    `ratio ${result.ratio.toFixed(2)}x (standard / shardwise)`,
  ].join('\n');
}

export const CLI_PATH = join(__dirname, '..', 'cli', 'main.js');
