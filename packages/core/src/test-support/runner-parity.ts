/**
 * Test helper for the runner adapters' parity specs: each runs a fixture suite under
 * `runners/__fixtures__/` with the runner's own CLI and through `executeBatch`, and expects the
 * same per-test statuses.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, expect } from 'vitest';
import {
  executeBatch,
  type BatchExecution,
  type ExecuteBatchOptions,
} from '../runners/execute-batch';
import type { BatchInput, FileRunResult, RunnerAdapter, TestStatus } from '../runners/types';
import { toPosix } from '../util/paths';
import { removeTempWorkspaces, tempWorkspace } from './temp-workspace';

export const fixturesRoot = join(__dirname, '..', 'runners', '__fixtures__');

/** Fixture-relative paths of the files in `folder` whose names match `pattern`, sorted. */
function fixtureFiles(folder: string, pattern: RegExp): string[] {
  return readdirSync(join(fixturesRoot, folder))
    .filter((name) => pattern.test(name))
    .sort()
    .map((name) => `${folder}/${name}`);
}

export interface ParityFixture {
  /** Absolute path of the fixture project. */
  projectDir: string;
  /** The suite: fixture-relative test files, sorted. */
  testFiles: string[];
  /** A fresh temp folder, removed after the spec file. */
  tempDir(): string;
  /** A batch of the fixture project: `files` and `command` as given, each with a fresh outputDir. */
  batch(overrides?: Partial<BatchInput>): BatchInput;
}

/** Call at the top of a spec file: registers the removal of its temp folders. */
export function parityFixture(options: {
  /** Fixture-relative project folder. */
  projectRoot: string;
  /** The test files: the names matching `pattern` in `folder` (default: the project folder). */
  tests: { pattern: RegExp; folder?: string };
  command?: string;
  tempPrefix: string;
}): ParityFixture {
  afterAll(removeTempWorkspaces);
  const testFiles = fixtureFiles(
    options.tests.folder ?? options.projectRoot,
    options.tests.pattern,
  );
  const tempDir = (): string => tempWorkspace({}, options.tempPrefix);
  return {
    projectDir: join(fixturesRoot, options.projectRoot),
    testFiles,
    tempDir,
    batch: (overrides = {}) => ({
      workspaceRoot: fixturesRoot,
      projectRoot: options.projectRoot,
      files: testFiles,
      outputDir: tempDir(),
      passThrough: [],
      updateSnapshots: false,
      command: options.command,
      ...overrides,
    }),
  };
}

/** Fixture-relative file → full test name → status. */
export type StatusesByFile = Record<string, Record<string, TestStatus>>;
/** A test key (full name, or the runner's own test id) → status. */
export type StatusesByTest = Record<string, TestStatus>;

/** What a runner's own CLI reported: statuses, and the files that crashed before any test. */
export interface OwnReport<S> {
  statuses: S;
  crashed: string[];
}

export function statusesByFile(results: readonly FileRunResult[]): StatusesByFile {
  return Object.fromEntries(
    results.map((file) => [
      file.path,
      Object.fromEntries(file.tests.map((test) => [test.name, test.status])),
    ]),
  );
}

/** Keyed by `keyOf` (default: the full test name, for suites whose names are unique). */
export function statusesByTest(
  results: readonly FileRunResult[],
  keyOf: (file: FileRunResult, testName: string) => string = (_file, name) => name,
): StatusesByTest {
  return Object.fromEntries(
    results.flatMap((file) => file.tests.map((test) => [keyOf(file, test.name), test.status])),
  );
}

export function countsOf(statuses: StatusesByFile | StatusesByTest): Record<TestStatus, number> {
  const counts: Record<TestStatus, number> = { passed: 0, failed: 0, skipped: 0, todo: 0 };
  const values: Array<TestStatus | Record<string, TestStatus>> = Object.values(statuses);
  for (const value of values) {
    const tests: TestStatus[] = typeof value === 'string' ? [value] : Object.values(value);
    for (const status of tests) counts[status] += 1;
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

/**
 * Runs `node <args(outputFile)>` in `cwd` (a CLI writing a Jest-style JSON report: Jest's `--json`,
 * Vitest's `--reporter=json`) and reads the report in Shardwise's names and statuses (Jest's
 * pending is skipped).
 */
export function runJestJsonCli(
  fixture: ParityFixture,
  args: (outputFile: string) => string[],
): OwnReport<StatusesByFile> {
  const outputFile = join(fixture.tempDir(), 'report.json');
  spawnSync(process.execPath, args(outputFile), { cwd: fixture.projectDir, encoding: 'utf8' });
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

export type XmlNode = Record<string, unknown>;

export const asNodes = (value: unknown): XmlNode[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]) as XmlNode[];

/** A JUnit XML file as nodes, attributes prefixed with `@_`. */
export function readJUnit(file: string): XmlNode {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_' });
  return parser.parse(readFileSync(file, 'utf8')) as XmlNode;
}

/**
 * Runs the fixture suite through `executeBatch` and expects what the runner's own CLI reported:
 * the exit code, every file in order, the same statuses, the given counts and crashed files.
 */
export async function expectParity<S extends StatusesByFile | StatusesByTest>(
  adapter: RunnerAdapter,
  input: BatchInput,
  expected: {
    own: OwnReport<S>;
    statusesOf: (results: readonly FileRunResult[]) => S;
    exitCode: number;
    counts: Record<TestStatus, number>;
    crashed: string[];
    options?: ExecuteBatchOptions;
  },
): Promise<BatchExecution> {
  const execution = await executeBatch(adapter, input, expected.options);
  expect(execution.exitCode).toBe(expected.exitCode);
  expect(execution.results.map((file) => file.path)).toEqual(input.files);
  const statuses = expected.statusesOf(execution.results);
  expect(statuses).toEqual(expected.own.statuses);
  expect(countsOf(statuses)).toEqual(expected.counts);
  expect(expected.own.crashed).toEqual(expected.crashed);
  return execution;
}
