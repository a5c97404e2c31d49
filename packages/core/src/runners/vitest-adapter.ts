/**
 * Vitest: the project's own Vitest, driven through its Node API by a child-side driver that runs
 * exactly the batch's files on one worker and writes one result line per finished test module.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ShardwiseError } from '../errors';
import { absoluteFiles, projectRootPath } from './batch-files';
import { childModulePath } from './child-modules';
import { collectResultLines } from './result-lines';
import type { BatchInput, RunnerAdapter, RunnerInvocation } from './types';

export const VITEST_RESULTS_FILE = 'vitest-results.jsonl';
const RESULTS_FILE = VITEST_RESULTS_FILE;

/** The project's installed `vitest/node` entry (ESM), found by Node resolution upward. */
export function resolveProjectVitest(projectRoot: string): string {
  try {
    return createRequire(join(projectRoot, 'package.json')).resolve('vitest/node');
  } catch (cause) {
    throw new ShardwiseError(
      'SHARDWISE_RUNNER_NOT_FOUND',
      `Vitest is not installed for ${projectRoot}: could not resolve vitest/node from there`,
      { cause },
    );
  }
}

export const vitestAdapter: RunnerAdapter = {
  name: 'vitest',

  invocation(input: BatchInput): RunnerInvocation {
    const cwd = projectRootPath(input);
    return {
      command: process.execPath,
      args: [childModulePath('vitest-driver'), ...absoluteFiles(input), '--', ...input.passThrough],
      cwd,
      env: {
        SHARDWISE_VITEST_ENTRY: resolveProjectVitest(cwd),
        SHARDWISE_RESULTS_FILE: join(input.outputDir, RESULTS_FILE),
        SHARDWISE_UPDATE_SNAPSHOTS: input.updateSnapshots ? '1' : '0',
        ...(input.artifactsDir === undefined
          ? {}
          : { SHARDWISE_ARTIFACTS_DIR: input.artifactsDir }),
        ...coverageEnv(input.coverage === true, join(input.outputDir, 'vitest-coverage')),
      },
      shell: false,
    };
  },

  collect(input: BatchInput) {
    return collectResultLines(input, join(input.outputDir, RESULTS_FILE));
  },
};

/** Coverage on: Vitest's own reports go to `scratch` (a folder no other Vitest uses). */
function coverageEnv(coverage: boolean, scratch: string): Record<string, string> {
  return coverage
    ? { SHARDWISE_COVERAGE: '1', SHARDWISE_COVERAGE_SCRATCH: scratch }
    : { SHARDWISE_COVERAGE: '0' };
}

/**
 * A warm Vitest for one slot and project: the same driver in serve mode, fed batches on stdin
 * (see child/vitest-driver.ts). It keeps Vite's server and transforms across batches.
 */
export function vitestServeInvocation(
  workspaceRoot: string,
  projectRoot: string,
  passThrough: readonly string[],
  updateSnapshots: boolean,
  coverage: { enabled: boolean; scratch: string } = { enabled: false, scratch: '' },
): RunnerInvocation {
  const cwd = join(workspaceRoot, projectRoot);
  return {
    command: process.execPath,
    args: [childModulePath('vitest-driver'), '--', ...passThrough],
    cwd,
    env: {
      SHARDWISE_VITEST_ENTRY: resolveProjectVitest(cwd),
      SHARDWISE_VITEST_SERVE: '1',
      SHARDWISE_UPDATE_SNAPSHOTS: updateSnapshots ? '1' : '0',
      ...coverageEnv(coverage.enabled, coverage.scratch),
    },
    shell: false,
  };
}
