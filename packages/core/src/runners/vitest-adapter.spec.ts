import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expectParity,
  fixturesRoot,
  parityFixture,
  runJestJsonCli,
  statusesByFile,
} from '../test-support/runner-parity';
import { executeBatch } from './execute-batch';
import { resolveProjectVitest, vitestAdapter } from './vitest-adapter';

const fixture = parityFixture({
  projectRoot: 'vitest',
  tests: { pattern: /\.test\.ts$/ },
  tempPrefix: 'shardwise-vitest-',
});
const { projectDir, testFiles, batch } = fixture;

/**
 * The suite as the vitest CLI reports it with `--reporter=json`, in Shardwise's statuses (Vitest's
 * JSON speaks Jest: pending for skipped, names joined with spaces).
 */
function runVitestItself(): ReturnType<typeof runJestJsonCli> {
  const vitestBin = join(dirname(resolveProjectVitest(projectDir)), '..', 'vitest.mjs');
  return runJestJsonCli(fixture, (outputFile) => [
    vitestBin,
    'run',
    '--reporter=json',
    `--outputFile=${outputFile}`,
  ]);
}

describe('vitestAdapter', () => {
  it('runs the project Vitest through our driver with the files and pass-through arguments', () => {
    const input = batch({ passThrough: ['-t', 'math'], updateSnapshots: true });
    const invocation = vitestAdapter.invocation(input);
    expect(invocation.command).toBe(process.execPath);
    expect(invocation.cwd).toBe(projectDir);
    expect(invocation.args[0]).toMatch(/vitest-driver\.c?js$/);
    expect(invocation.args.slice(1)).toEqual([
      ...testFiles.map((file) => join(fixturesRoot, file)),
      '--',
      '-t',
      'math',
    ]);
    expect(invocation.env).toEqual({
      SHARDWISE_VITEST_ENTRY: resolveProjectVitest(projectDir),
      SHARDWISE_RESULTS_FILE: join(input.outputDir, 'vitest-results.jsonl'),
      SHARDWISE_UPDATE_SNAPSHOTS: '1',
      SHARDWISE_COVERAGE: '0',
    });
    const covered = vitestAdapter.invocation(
      batch({ coverage: true, artifactsDir: '/run/artifacts' }),
    );
    expect(covered.env).toMatchObject({
      SHARDWISE_COVERAGE: '1',
      SHARDWISE_ARTIFACTS_DIR: '/run/artifacts',
    });
    expect(covered.env['SHARDWISE_COVERAGE_SCRATCH']).toMatch(/vitest-coverage$/);
  });

  it('reports what the vitest CLI itself reports for the fixture suite', async () => {
    const execution = await expectParity(vitestAdapter, batch(), {
      own: runVitestItself(),
      statusesOf: statusesByFile,
      exitCode: 1,
      counts: { passed: 5, failed: 2, skipped: 3, todo: 1 },
      crashed: ['vitest/crash.test.ts'],
    });

    const byPath = new Map(execution.results.map((file) => [file.path, file]));
    expect(byPath.get('vitest/crash.test.ts')).toMatchObject({
      status: 'failed',
      tests: [],
      error: { message: 'fixture crashes while loading' },
    });
    expect(byPath.get('vitest/skipped-todo.test.ts')?.status).toBe('skipped');
    const timedOut = byPath.get('vitest/timeout.test.ts')?.tests[1];
    expect(timedOut?.failure?.message).toContain('Test timed out in 200ms');
    const assertion = byPath.get('vitest/failing.test.ts')?.tests[1];
    expect(assertion?.failure?.message).toBe('expected 2 to be 3 // Object.is equality');
  });

  it('runs only the given file and passes Vitest arguments through (-t)', async () => {
    const execution = await executeBatch(
      vitestAdapter,
      batch({ files: ['vitest/passing.test.ts'], passThrough: ['-t', 'nested'] }),
    );
    expect(execution.exitCode).toBe(0);
    expect(execution.results).toHaveLength(1);
    expect(execution.results[0]?.tests.map((test) => [test.name, test.status])).toEqual([
      ['math > adds', 'skipped'],
      ['math > nested > multiplies', 'passed'],
      ['top level', 'skipped'],
    ]);
  });
});
