import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expectParity,
  fixturesRoot,
  parityFixture,
  runJestJsonCli,
  statusesByFile,
} from '../test-support/runner-parity';
import { jestAdapter, resolveProjectJest } from './jest-adapter';

const fixture = parityFixture({
  projectRoot: 'jest',
  tests: { pattern: /\.test\.js$/ },
  tempPrefix: 'shardwise-jest-',
});
const { projectDir, testFiles, batch } = fixture;

/** The suite as Jest itself reports it with `--json`, in Shardwise's names and statuses. */
function runJestItself(): ReturnType<typeof runJestJsonCli> {
  return runJestJsonCli(fixture, (outputFile) => [
    resolveProjectJest(projectDir),
    '--ci',
    '--json',
    `--outputFile=${outputFile}`,
  ]);
}

describe('jestAdapter', () => {
  it('runs the project Jest in band on exactly the given paths', () => {
    const input = batch({ passThrough: ['--silent'], updateSnapshots: true });
    const invocation = jestAdapter.invocation(input);
    expect(invocation.command).toBe(process.execPath);
    expect(invocation.cwd).toBe(projectDir);
    expect(invocation.args[0]).toBe(resolveProjectJest(projectDir));
    expect(invocation.args).toEqual(
      expect.arrayContaining(['--runTestsByPath', '--runInBand', '--ci', '--updateSnapshot']),
    );
    const separator = invocation.args.indexOf('--');
    expect(invocation.args.slice(separator - 1, separator)).toEqual(['--silent']);
    expect(invocation.args.slice(separator + 1)).toEqual(
      testFiles.map((f) => join(fixturesRoot, f)),
    );
    expect(invocation.env['SHARDWISE_RESULTS_FILE']).toBe(
      join(input.outputDir, 'jest-results.jsonl'),
    );
    expect(invocation.args).not.toContain('--coverage');
    const covered = jestAdapter.invocation(
      batch({ coverage: true, artifactsDir: '/run/artifacts' }),
    );
    // Jest's own per-slot report and thresholds are off; the reporter takes each file's coverage.
    expect(covered.args).toEqual(
      expect.arrayContaining(['--coverage', '--coverageReporters=none', '--coverageThreshold={}']),
    );
    expect(covered.env).toMatchObject({
      SHARDWISE_COVERAGE: '1',
      SHARDWISE_ARTIFACTS_DIR: '/run/artifacts',
    });
  });

  it('reports what Jest itself reports for the fixture suite', async () => {
    const execution = await expectParity(jestAdapter, batch(), {
      own: runJestItself(),
      statusesOf: statusesByFile,
      exitCode: 1,
      counts: { passed: 5, failed: 2, skipped: 3, todo: 1 },
      crashed: ['jest/crash.test.js'],
    });

    const crash = execution.results.find((file) => file.path === 'jest/crash.test.js');
    expect(crash).toMatchObject({ status: 'failed', tests: [] });
    expect(crash?.error?.message).toContain("Cannot find module './does-not-exist'");

    const byPath = new Map(execution.results.map((file) => [file.path, file]));
    expect(byPath.get('jest/passing.test.js')?.status).toBe('passed');
    expect(byPath.get('jest/skipped-todo.test.js')?.status).toBe('skipped');
    const timedOut = byPath.get('jest/timeout.test.js')?.tests[1];
    expect(timedOut?.failure?.message).toContain('Exceeded timeout of 200 ms');
    const assertion = byPath.get('jest/failing.test.js')?.tests[1];
    expect(assertion?.failure?.message).toContain('Expected: 3');
    expect(assertion?.failure?.stack).toContain('failing.test.js');
  });
});
