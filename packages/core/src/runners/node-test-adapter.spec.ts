import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  asNodes,
  expectParity,
  fixturesRoot,
  parityFixture,
  readJUnit,
  statusesByTest,
  type OwnReport,
  type StatusesByTest,
  type XmlNode,
} from '../test-support/runner-parity';
import { toPosix } from '../util/paths';
import { nodeTestAdapter } from './node-test-adapter';
import type { TestStatus } from './types';

const fixture = parityFixture({
  projectRoot: 'node',
  tests: { pattern: /\.test\.mjs$/ },
  tempPrefix: 'shardwise-node-',
});
const { projectDir, testFiles, batch } = fixture;

/**
 * The suite as node:test's own JUnit reporter tells it. That report has no file names, so the
 * comparison is by full test name (unique in the fixture); a crashed file is a test case named
 * after the file's path.
 */
function runNodeTestItself(): OwnReport<StatusesByTest> {
  const junitFile = join(fixture.tempDir(), 'junit.xml');
  spawnSync(
    process.execPath,
    ['--test', '--test-reporter=junit', `--test-reporter-destination=${junitFile}`],
    { cwd: projectDir },
  );
  const document = readJUnit(junitFile);
  const statuses: StatusesByTest = {};
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
    const crashes = ['node/crash-exits.test.mjs', 'node/crash-throws.test.mjs'];
    const execution = await expectParity(nodeTestAdapter, batch(), {
      own: runNodeTestItself(),
      statusesOf: (results) => statusesByTest(results),
      exitCode: 1,
      counts: { passed: 5, failed: 2, skipped: 3, todo: 1 },
      crashed: crashes,
    });
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
