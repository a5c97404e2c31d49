import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { toPosix } from '../util/paths';
import { executeBatch } from './execute-batch';
import { nodeTestAdapter } from './node-test-adapter';
import type { BatchInput, FileRunResult, TestStatus } from './types';

const fixturesRoot = join(__dirname, '__fixtures__');
const projectDir = join(fixturesRoot, 'node');
const testFiles = readdirSync(projectDir)
  .filter((name) => name.endsWith('.test.mjs'))
  .sort()
  .map((name) => `node/${name}`);

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'shardwise-node-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function batch(overrides: Partial<BatchInput> = {}): BatchInput {
  return {
    workspaceRoot: fixturesRoot,
    projectRoot: 'node',
    files: testFiles,
    outputDir: tempDir(),
    passThrough: [],
    updateSnapshots: false,
    command: undefined,
    ...overrides,
  };
}

function countsOf(statuses: Record<string, TestStatus>): Record<TestStatus, number> {
  const counts: Record<TestStatus, number> = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  for (const status of Object.values(statuses)) counts[status] += 1;
  return counts;
}

type XmlNode = Record<string, unknown>;
const asNodes = (value: unknown): XmlNode[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]) as XmlNode[];

/**
 * The suite as node:test's own JUnit reporter tells it. That report has no file names, so the
 * comparison is by full test name (unique in the fixture); a crashed file is a test case named
 * after the file's path.
 */
function runNodeTestItself(): { statuses: Record<string, TestStatus>; crashed: string[] } {
  const junitFile = join(tempDir(), 'junit.xml');
  spawnSync(
    process.execPath,
    ['--test', '--test-reporter=junit', `--test-reporter-destination=${junitFile}`],
    { cwd: projectDir },
  );
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });
  const document = parser.parse(readFileSync(junitFile, 'utf8')) as XmlNode;
  const statuses: Record<string, TestStatus> = {};
  const crashed: string[] = [];
  const walk = (node: XmlNode, suites: string[]) => {
    for (const testCase of asNodes(node['testcase'])) {
      const name = String(testCase['@_name']);
      const skipped = asNodes(testCase['skipped'])[0];
      const status: TestStatus =
        testCase['failure'] !== undefined
          ? 'failed'
          : skipped === undefined
            ? 'passed'
            : skipped['@_type'] === 'todo'
              ? 'todo'
              : 'skipped';
      if (name.startsWith(projectDir)) crashed.push(toPosix(relative(fixturesRoot, name)));
      else statuses[[...suites, name].join(' > ')] = status;
    }
    for (const suite of asNodes(node['testsuite'])) {
      walk(suite, [...suites, String(suite['@_name'])]);
    }
  };
  walk(asNodes(document['testsuites'])[0] ?? {}, []);
  return { statuses, crashed: crashed.sort() };
}

function statusesOf(results: readonly FileRunResult[]): Record<string, TestStatus> {
  return Object.fromEntries(
    results.flatMap((file) => file.tests.map((test) => [test.name, test.status] as const)),
  );
}

describe('nodeTestAdapter', () => {
  it('runs node --test one file at a time with our reporter', () => {
    const input = batch({ passThrough: ['--test-name-pattern=math'] });
    const invocation = nodeTestAdapter.invocation(input);
    expect(invocation.command).toBe(process.execPath);
    expect(invocation.cwd).toBe(projectDir);
    expect(invocation.args.slice(0, 2)).toEqual(['--test', '--test-concurrency=1']);
    expect(invocation.args[2]).toMatch(/^--test-reporter=file:\/\/.*node-test-reporter\.c?js$/);
    expect(invocation.args[3]).toBe(
      `--test-reporter-destination=${join(input.outputDir, 'node-test-results.jsonl')}`,
    );
    expect(invocation.args.slice(4)).toEqual([
      '--test-name-pattern=math',
      ...testFiles.map((file) => join(fixturesRoot, file)),
    ]);
  });

  it("reports what node:test's own JUnit reporter reports for the fixture suite", async () => {
    const own = runNodeTestItself();
    const execution = await executeBatch(nodeTestAdapter, batch());

    expect(execution.exitCode).toBe(1);
    expect(execution.results.map((file) => file.path)).toEqual(testFiles);
    const statuses = statusesOf(execution.results);
    expect(statuses).toEqual(own.statuses);
    expect(countsOf(statuses)).toEqual({ passed: 5, failed: 2, skipped: 3, todo: 1 });

    const crashes = ['node/crash-exits.test.mjs', 'node/crash-throws.test.mjs'];
    expect(own.crashed).toEqual(crashes);
    const byPath = new Map(execution.results.map((file) => [file.path, file]));
    for (const path of crashes) {
      expect(byPath.get(path)).toMatchObject({ status: 'failed', tests: [] });
    }
    expect(byPath.get('node/crash-throws.test.mjs')?.error?.message).toBe(
      'Error: fixture crashes while loading (the test file exited with code 1)',
    );
    expect(byPath.get('node/crash-exits.test.mjs')?.error?.message).toBe(
      'fixture exits while loading (the test file exited with code 1)',
    );

    expect(byPath.get('node/skipped-todo.test.mjs')?.status).toBe('skipped');
    const timedOut = byPath.get('node/timeout.test.mjs')?.tests[1];
    expect(timedOut?.failure?.message).toBe('test timed out after 200ms');
    const assertion = byPath.get('node/failing.test.mjs')?.tests[1];
    expect(assertion?.failure?.message).toContain('2 !== 3');
    expect(assertion?.failure?.stack).toContain('failing.test.mjs:10');
  });
});
