/**
 * Jest: the project's own Jest, in band, on exactly the batch's paths, with our reporter as the
 * only reporter (it writes one result line per finished file).
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ShardwiseError } from '../errors';
import { absoluteFiles, projectRootPath } from './batch-files';
import { childModulePath } from './child-modules';
import { collectResultLines } from './result-lines';
import type { BatchInput, RunnerAdapter, RunnerInvocation } from './types';

const RESULTS_FILE = 'jest-results.jsonl';

/** The project's installed Jest, found by Node resolution upward from the project folder. */
export function resolveProjectJest(projectRoot: string): string {
  try {
    return createRequire(join(projectRoot, 'package.json')).resolve('jest/bin/jest');
  } catch (cause) {
    throw new ShardwiseError(
      'SHARDWISE_RUNNER_NOT_FOUND',
      `Jest is not installed for ${projectRoot}: could not resolve jest/bin/jest from there`,
      { cause },
    );
  }
}

/**
 * Coverage with the project's own provider (babel or v8, from its config); our reporter takes
 * each test file's coverage. Jest's own coverage report per slot is switched off (`none`, into
 * the batch's folder) and so are its thresholds: a slot sees a slice of the run, and the merged
 * report is Shardwise's.
 */
function jestCoverageArgs(input: BatchInput): string[] {
  return [
    '--coverage',
    '--coverageReporters=none',
    `--coverageDirectory=${join(input.outputDir, 'jest-coverage')}`,
    '--coverageThreshold={}',
  ];
}

export const jestAdapter: RunnerAdapter = {
  name: 'jest',

  invocation(input: BatchInput): RunnerInvocation {
    const cwd = projectRootPath(input);
    const jestBin = resolveProjectJest(cwd);
    return {
      command: process.execPath,
      args: [
        jestBin,
        '--runTestsByPath',
        '--runInBand',
        '--ci',
        '--watchman=false',
        '--passWithNoTests',
        `--reporters=${childModulePath('jest-reporter')}`,
        // With --ci Jest writes no new snapshot; --updateSnapshot overrides that.
        ...(input.updateSnapshots ? ['--updateSnapshot'] : []),
        ...(input.coverage === true ? jestCoverageArgs(input) : []),
        ...input.passThrough,
        // After `--` the paths can never be taken for the value of a pass-through option.
        '--',
        ...absoluteFiles(input),
      ],
      cwd,
      env: {
        SHARDWISE_RESULTS_FILE: join(input.outputDir, RESULTS_FILE),
        SHARDWISE_JEST_BIN: jestBin,
        ...(input.artifactsDir === undefined
          ? {}
          : { SHARDWISE_ARTIFACTS_DIR: input.artifactsDir }),
        SHARDWISE_COVERAGE: input.coverage === true ? '1' : '0',
      },
      shell: false,
    };
  },

  collect(input: BatchInput) {
    return collectResultLines(input, join(input.outputDir, RESULTS_FILE));
  },
};
