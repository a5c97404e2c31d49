/**
 * node:test: `node --test` one file at a time, with our reporter writing one result line per
 * finished file to a file in the batch's output folder.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { absoluteFiles, projectRootPath } from './batch-files';
import { childModulePath } from './child-modules';
import { collectResultLines } from './result-lines';
import type { BatchInput, FileRunResult, RunnerAdapter, RunnerInvocation } from './types';

const RESULTS_FILE = 'node-test-results.jsonl';

/** `--test-update-snapshots` arrived with snapshot tests in Node 22.3; Node 20 has neither. */
function nodeUpdatesSnapshots(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 3);
}

/**
 * `node --test` reports a file whose process called `process.exit(0)` mid-test as a passing file
 * with no tests (the child's events are lost with it), exactly like a file that declares none.
 * Jest and Vitest fail a file without tests; so does Shardwise for node:test, so that an exit
 * can never turn the tests that did not run into a pass.
 */
function failSilentFile(result: FileRunResult): FileRunResult {
  if (result.tests.length > 0 || result.error !== undefined) return result;
  return {
    ...result,
    status: 'failed',
    error: {
      message:
        'node:test reported no test for this file: it declares none, or its process exited (process.exit) before reporting',
      stack: undefined,
    },
  };
}

export const nodeTestAdapter: RunnerAdapter = {
  name: 'node',

  invocation(input: BatchInput): RunnerInvocation {
    return {
      // The Node that runs Shardwise runs the tests: the same version for every slot.
      command: process.execPath,
      args: [
        '--test',
        '--test-concurrency=1',
        // A file URL: Node loads custom reporters with import().
        `--test-reporter=${pathToFileURL(childModulePath('node-test-reporter')).href}`,
        `--test-reporter-destination=${join(input.outputDir, RESULTS_FILE)}`,
        ...(input.updateSnapshots && nodeUpdatesSnapshots() ? ['--test-update-snapshots'] : []),
        ...input.passThrough,
        ...absoluteFiles(input),
      ],
      cwd: projectRootPath(input),
      env: {},
      shell: false,
    };
  },

  collect(input: BatchInput) {
    return collectResultLines(input, join(input.outputDir, RESULTS_FILE)).map(failSilentFile);
  },
};
