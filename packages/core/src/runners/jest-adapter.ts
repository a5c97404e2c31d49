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

export const jestAdapter: RunnerAdapter = {
  name: 'jest',

  invocation(input: BatchInput): RunnerInvocation {
    const cwd = projectRootPath(input);
    return {
      command: process.execPath,
      args: [
        resolveProjectJest(cwd),
        '--runTestsByPath',
        '--runInBand',
        '--ci',
        '--watchman=false',
        '--passWithNoTests',
        `--reporters=${childModulePath('jest-reporter')}`,
        // With --ci Jest writes no new snapshot; --updateSnapshot overrides that.
        ...(input.updateSnapshots ? ['--updateSnapshot'] : []),
        ...input.passThrough,
        // After `--` the paths can never be taken for the value of a pass-through option.
        '--',
        ...absoluteFiles(input),
      ],
      cwd,
      env: { SHARDWISE_RESULTS_FILE: join(input.outputDir, RESULTS_FILE) },
      shell: false,
    };
  },

  collect(input: BatchInput) {
    return collectResultLines(input, join(input.outputDir, RESULTS_FILE));
  },
};
