import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  asNodes,
  expectParity,
  parityFixture,
  readJUnit,
  statusesByTest,
  type OwnReport,
  type StatusesByTest,
} from '../test-support/runner-parity';
import { commandAdapter, shellQuote } from './command-adapter';
import { executeBatch } from './execute-batch';
import type { BatchInput, FileRunResult } from './types';

/** Same environment for pytest run directly and through Shardwise; nothing written to the tree. */
const PYTEST_ENV = { PYTHONDONTWRITEBYTECODE: '1', PYTEST_DISABLE_PLUGIN_AUTOLOAD: '1' };
const PYTEST = 'python3 -m pytest -p no:cacheprovider';
const pytestAvailable =
  spawnSync('python3', ['-m', 'pytest', '--version'], { env: { ...process.env, ...PYTEST_ENV } })
    .status === 0;

const fixture = parityFixture({
  projectRoot: 'pytest',
  tests: { pattern: /^test_.*\.py$/, folder: 'pytest/tests' },
  command: `${PYTEST} --continue-on-collection-errors {files} --junitxml={junit}`,
  tempPrefix: 'shardwise-command-',
});
const { projectDir, testFiles, batch } = fixture;

/** pytest's own report, keyed by `classname.name` (its dotted test id). */
function runPytestItself(): OwnReport<StatusesByTest> {
  const junitFile = join(fixture.tempDir(), 'junit.xml');
  spawnSync(`${PYTEST} --continue-on-collection-errors --junitxml=${shellQuote(junitFile)}`, {
    cwd: projectDir,
    shell: true,
    env: { ...process.env, ...PYTEST_ENV },
  });
  const document = readJUnit(junitFile);
  const statuses: StatusesByTest = {};
  const crashed: string[] = [];
  for (const suite of asNodes(asNodes(document['testsuites'])[0]?.['testsuite'])) {
    for (const testCase of asNodes(suite['testcase'])) {
      const classname = String(testCase['@_classname']);
      const name = String(testCase['@_name']);
      const failed = testCase['failure'] !== undefined || testCase['error'] !== undefined;
      if (classname === '') {
        if (failed) crashed.push(name);
        continue;
      }
      statuses[`${classname}.${name}`] = failed
        ? 'failed'
        : testCase['skipped'] !== undefined
          ? 'skipped'
          : 'passed';
    }
  }
  return { statuses, crashed };
}

/** Shardwise's results keyed the same way: `pytest/tests/test_x.py` + `A > b` → `tests.test_x.A.b`. */
function statusesOf(results: readonly FileRunResult[]): StatusesByTest {
  return statusesByTest(results, (file, testName) => {
    const module = file.path
      .replace(/^pytest\//, '')
      .replace(/\.py$/, '')
      .replaceAll('/', '.');
    return `${module}.${testName.split(' > ').join('.')}`;
  });
}

/** A batch whose JUnit report is `xml`, for the mapping rules. */
function withReport(xml: string, files: string[]): BatchInput {
  const input = batch({ files });
  writeFileSync(join(input.outputDir, 'junit.xml'), xml);
  return input;
}

describe('commandAdapter', () => {
  it('substitutes shell-quoted absolute paths and the report path, then the pass-through', () => {
    const input = batch({
      files: ['pytest/tests/test_passing.py', "pytest/tests/it's here.py"],
      passThrough: ['-k', 'adds or top'],
      command: 'pytest {files} --junitxml={junit}',
    });
    const invocation = commandAdapter.invocation(input);
    expect(invocation).toMatchObject({ args: [], cwd: projectDir, shell: true });
    expect(invocation.command).toBe(
      `pytest ${join(projectDir, 'tests/test_passing.py')} '${projectDir}/tests/it'\\''s here.py' ` +
        `--junitxml=${join(input.outputDir, 'junit.xml')} -k 'adds or top'`,
    );
  });

  it('refuses a command without {files} or {junit}', () => {
    expect(() => commandAdapter.invocation(batch({ command: 'pytest {files}' }))).toThrow(
      /needs a command with \{files\} and \{junit\}/,
    );
    expect(() => commandAdapter.invocation(batch({ command: undefined }))).toThrow(
      /needs a command/,
    );
  });

  it.skipIf(!pytestAvailable)(
    'reports what pytest itself reports for the fixture suite (needs python3 -m pytest)',
    async () => {
      const execution = await expectParity(commandAdapter, batch(), {
        own: runPytestItself(),
        statusesOf,
        exitCode: 1,
        // pytest has no todo; the expected failure (xfail) is a skip in its JUnit report.
        counts: { passed: 5, failed: 2, skipped: 4, todo: 0 },
        crashed: ['tests.test_crash'],
        options: { env: PYTEST_ENV },
      });

      const crash = execution.results.find((file) => file.path === 'pytest/tests/test_crash.py');
      expect(crash).toMatchObject({ status: 'failed', tests: [] });
      expect(crash?.error?.stack).toContain("No module named 'does_not_exist'");
      const timedOut = execution.results.find((f) => f.path === 'pytest/tests/test_timeout.py');
      expect(timedOut?.tests[1]?.failure?.message).toBe(
        'TimeoutError: test exceeded the 200 ms per-test timeout',
      );
    },
  );

  it.skipIf(!pytestAvailable)(
    'leaves out the files a failed command never reached (pytest stops at a collection error)',
    async () => {
      const execution = await executeBatch(
        commandAdapter,
        batch({
          files: ['pytest/tests/test_crash.py', 'pytest/tests/test_passing.py'],
          command: `${PYTEST} {files} --junitxml={junit}`,
        }),
        { env: PYTEST_ENV },
      );
      expect(execution.exitCode).toBe(2);
      expect(execution.results.map((file) => [file.path, file.status])).toEqual([
        ['pytest/tests/test_crash.py', 'failed'],
      ]);
    },
  );

  it('ties test cases to files by file attribute, path classname or dotted classname', () => {
    const input = withReport(
      `<?xml version="1.0"?>
      <testsuites>
        <testsuite name="xunit1" file="ignored.py">
          <testcase file="tests/test_a.py" classname="tests.test_a.TestA" name="test_one" time="0.5"/>
        </testsuite>
        <testsuite name="vitest">
          <testcase classname="pytest/src/b.test.ts" name="b &gt; works" time="0.001">
            <skipped type="todo"/>
          </testcase>
        </testsuite>
        <testsuite name="pytest">
          <testcase classname="tests.test_c" name="test_two" time="0.25">
            <failure message="assert 1 == 2">trace</failure>
          </testcase>
          <testcase classname="tests.test_c.TestC" name="test_three"><error message="setup failed"/></testcase>
          <testcase classname="" name="tests.test_d"><error message="collection failure">ImportError</error></testcase>
          <testcase classname="other.module" name="test_elsewhere"/>
        </testsuite>
      </testsuites>`,
      [
        'pytest/tests/test_a.py',
        'pytest/src/b.test.ts',
        'pytest/tests/test_c.py',
        'pytest/tests/test_d.py',
        'pytest/tests/test_e.py',
      ],
    );
    expect(commandAdapter.collect(input, { exitCode: 1, signal: null })).toEqual([
      {
        path: 'pytest/tests/test_a.py',
        status: 'passed',
        durationMs: 500,
        tests: [
          { name: 'TestA > test_one', status: 'passed', durationMs: 500, failure: undefined },
        ],
        error: undefined,
      },
      {
        path: 'pytest/src/b.test.ts',
        status: 'skipped',
        durationMs: 1,
        tests: [{ name: 'b > works', status: 'todo', durationMs: 1, failure: undefined }],
        error: undefined,
      },
      {
        path: 'pytest/tests/test_c.py',
        status: 'failed',
        durationMs: 250,
        tests: [
          {
            name: 'test_two',
            status: 'failed',
            durationMs: 250,
            failure: { message: 'assert 1 == 2', stack: 'trace' },
          },
          {
            name: 'TestC > test_three',
            status: 'failed',
            durationMs: 0,
            failure: { message: 'setup failed', stack: undefined },
          },
        ],
        error: undefined,
      },
      {
        path: 'pytest/tests/test_d.py',
        status: 'failed',
        durationMs: 0,
        tests: [],
        error: { message: 'collection failure', stack: 'ImportError' },
      },
    ]);
  });

  it('gives a file with no test case an empty result only when the command succeeded', () => {
    const xml = '<testsuite><testcase classname="tests.test_a" name="test_one"/></testsuite>';
    const files = ['pytest/tests/test_a.py', 'pytest/tests/test_empty.py'];
    const succeeded = commandAdapter.collect(withReport(xml, files), { exitCode: 0, signal: null });
    expect(succeeded.map((file) => [file.path, file.status, file.tests.length])).toEqual([
      ['pytest/tests/test_a.py', 'passed', 1],
      ['pytest/tests/test_empty.py', 'skipped', 0],
    ]);
    const failed = commandAdapter.collect(withReport(xml, files), { exitCode: 1, signal: null });
    expect(failed.map((file) => file.path)).toEqual(['pytest/tests/test_a.py']);
    expect(commandAdapter.collect(withReport(xml, files)).map((file) => file.path)).toEqual([
      'pytest/tests/test_a.py',
    ]);
  });

  it('reads a missing report as no results and a malformed one as an error naming it', () => {
    expect(commandAdapter.collect(batch(), { exitCode: null, signal: 'SIGKILL' })).toEqual([]);
    // Exit 0 without a report is not "ran and found no test": nothing is known of the files.
    expect(commandAdapter.collect(batch(), { exitCode: 0, signal: null })).toEqual([]);
    const input = withReport('<testsuite><testcase name="a"></testsuite>', testFiles);
    expect(() => commandAdapter.collect(input)).toThrow(
      `${join(input.outputDir, 'junit.xml')} is not valid JUnit XML`,
    );
  });
});
