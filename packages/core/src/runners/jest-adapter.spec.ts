import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toPosix } from '../util/paths';
import { executeBatch } from './execute-batch';
import { jestAdapter, resolveProjectJest } from './jest-adapter';
import type { BatchInput, FileRunResult, TestStatus } from './types';

const fixturesRoot = join(__dirname, '__fixtures__');
const projectDir = join(fixturesRoot, 'jest');
const testFiles = readdirSync(projectDir)
  .filter((name) => name.endsWith('.test.js'))
  .sort()
  .map((name) => `jest/${name}`);

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shardwise-jest-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function batch(overrides: Partial<BatchInput> = {}): BatchInput {
  return {
    workspaceRoot: fixturesRoot,
    projectRoot: 'jest',
    files: testFiles,
    outputDir: tempDir(),
    passThrough: [],
    updateSnapshots: false,
    command: undefined,
    ...overrides,
  };
}

type StatusesByFile = Record<string, Record<string, TestStatus>>;

function statusesOf(results: readonly FileRunResult[]): StatusesByFile {
  return Object.fromEntries(
    results.map((file) => [
      file.path,
      Object.fromEntries(file.tests.map((test) => [test.name, test.status])),
    ]),
  );
}

function countsOf(statuses: StatusesByFile): Record<TestStatus, number> {
  const counts: Record<TestStatus, number> = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  for (const tests of Object.values(statuses)) {
    for (const status of Object.values(tests)) counts[status] += 1;
  }
  return counts;
}

interface JestJsonReport {
  testResults: {
    name: string;
    message: string;
    assertionResults: { ancestorTitles: string[]; title: string; status: string }[];
  }[];
}

/** The suite as Jest itself reports it with `--json`, in Shardwise's names and statuses. */
function runJestItself(): { statuses: StatusesByFile; crashed: string[] } {
  const outputFile = join(tempDir(), 'jest.json');
  spawnSync(
    process.execPath,
    [resolveProjectJest(projectDir), '--ci', '--json', `--outputFile=${outputFile}`],
    {
      cwd: projectDir,
      encoding: 'utf8',
    },
  );
  const report = JSON.parse(readFileSync(outputFile, 'utf8')) as JestJsonReport;
  const statusOf = (status: string): TestStatus =>
    status === 'passed' || status === 'failed' || status === 'todo' ? status : 'skipped';
  const statuses: StatusesByFile = {};
  const crashed: string[] = [];
  for (const file of report.testResults) {
    const path = toPosix(relative(fixturesRoot, file.name));
    statuses[path] = Object.fromEntries(
      file.assertionResults.map((a) => [
        [...a.ancestorTitles, a.title].join(' > '),
        statusOf(a.status),
      ]),
    );
    if (file.assertionResults.length === 0 && file.message !== '') crashed.push(path);
  }
  return { statuses, crashed };
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
  });

  it('reports what Jest itself reports for the fixture suite', async () => {
    const own = runJestItself();
    const execution = await executeBatch(jestAdapter, batch());

    expect(execution.exitCode).toBe(1);
    expect(execution.results.map((file) => file.path)).toEqual(testFiles);
    const statuses = statusesOf(execution.results);
    expect(statuses).toEqual(own.statuses);
    expect(countsOf(statuses)).toEqual({ passed: 5, failed: 2, skipped: 3, todo: 1 });

    expect(own.crashed).toEqual(['jest/crash.test.js']);
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
