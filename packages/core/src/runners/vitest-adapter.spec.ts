import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toPosix } from '../util/paths';
import { executeBatch } from './execute-batch';
import type { BatchInput, FileRunResult, TestStatus } from './types';
import { resolveProjectVitest, vitestAdapter } from './vitest-adapter';

const fixturesRoot = join(__dirname, '__fixtures__');
const projectDir = join(fixturesRoot, 'vitest');
const testFiles = readdirSync(projectDir)
  .filter((name) => name.endsWith('.test.ts'))
  .sort()
  .map((name) => `vitest/${name}`);

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shardwise-vitest-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function batch(overrides: Partial<BatchInput> = {}): BatchInput {
  return {
    workspaceRoot: fixturesRoot,
    projectRoot: 'vitest',
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

interface VitestJsonReport {
  testResults: {
    name: string;
    message: string;
    assertionResults: { ancestorTitles: string[]; title: string; status: string }[];
  }[];
}

/** The suite as the vitest CLI reports it with `--reporter=json`, in Shardwise's statuses. */
function runVitestItself(): { statuses: StatusesByFile; crashed: string[] } {
  const outputFile = join(tempDir(), 'vitest.json');
  const vitestBin = join(dirname(resolveProjectVitest(projectDir)), '..', 'vitest.mjs');
  spawnSync(process.execPath, [vitestBin, 'run', '--reporter=json', `--outputFile=${outputFile}`], {
    cwd: projectDir,
  });
  const report = JSON.parse(readFileSync(outputFile, 'utf8')) as VitestJsonReport;
  // Vitest's JSON speaks Jest: pending for skipped, names joined with spaces.
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
    });
  });

  it('reports what the vitest CLI itself reports for the fixture suite', async () => {
    const own = runVitestItself();
    const execution = await executeBatch(vitestAdapter, batch());

    expect(execution.exitCode).toBe(1);
    expect(execution.results.map((file) => file.path)).toEqual(testFiles);
    const statuses = statusesOf(execution.results);
    expect(statuses).toEqual(own.statuses);
    expect(countsOf(statuses)).toEqual({ passed: 5, failed: 2, skipped: 3, todo: 1 });

    expect(own.crashed).toEqual(['vitest/crash.test.ts']);
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
