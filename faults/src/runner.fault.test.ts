/**
 * Faults of the runner itself: not installed, a command runner that writes malformed JUnit XML
 * (or none), a test file that does not parse. The affected files fail with a message that says
 * why, are never cached, and the other files keep their results.
 */
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { cacheKeys } from './support/cache-check';
import { describeRun, fileOf, reportOf, runCli } from './support/cli';
import { fault } from './support/fault';
import {
  CONFIG,
  JEST_CONFIG,
  PACKAGE_JSON,
  VITEST_CONFIG,
  nodePassing,
} from './support/test-files';

describe('runner faults', () => {
  fault('the runner is not installed (Jest, Vitest, a command)', async (ctx) => {
    // Outside the repository: no node_modules above it, so neither Jest nor Vitest resolves.
    const root = ctx.workspace(
      {
        'package.json': PACKAGE_JSON('not-installed'),
        'shardwise.config.json': CONFIG({
          workers: 2,
          categories: {
            tool: {
              include: ['**/*.tool.test.js'],
              runner: { command: 'shardwise-no-such-tool {files} --junit {junit}' },
            },
            unit: { include: ['**/*'] },
          },
        }),
        'jest/package.json': PACKAGE_JSON('jest-missing'),
        'jest/jest.config.js': JEST_CONFIG,
        'jest/src/a.test.js': "it('a', () => expect(1).toBe(1));\n",
        'vitest/package.json': PACKAGE_JSON('vitest-missing'),
        'vitest/vitest.config.mts': VITEST_CONFIG,
        'vitest/src/a.test.ts':
          "import { expect, it } from 'vitest';\nit('a', () => expect(1).toBe(1));\n",
        'tool/package.json': `${JSON.stringify({ name: 'tool', private: true, scripts: { test: 'node --test' } })}\n`,
        'tool/src/x.tool.test.js': nodePassing('x'),
        'tool/src/ok.test.js': nodePassing('ok'),
      },
      'outside',
    );
    const run = await runCli(root, ['run', '--json', '--retries', '0'], { tag: ctx.tag });
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).not.toMatch(/internal error/);
    const report = reportOf(run);
    const messages = (path: string) => JSON.stringify(fileOf(report, path).tests);
    expect(fileOf(report, 'jest/src/a.test.js').status).toBe('failed');
    expect(messages('jest/src/a.test.js')).toMatch(/Jest is not installed/);
    expect(fileOf(report, 'vitest/src/a.test.ts').status).toBe('failed');
    expect(messages('vitest/src/a.test.ts')).toMatch(/Vitest is not installed/);
    expect(fileOf(report, 'tool/src/x.tool.test.js').status).toBe('failed');
    expect(messages('tool/src/x.tool.test.js')).toMatch(/not found|127/);
    // The message is Shardwise's own explanation, without its stack.
    for (const path of ['jest/src/a.test.js', 'vitest/src/a.test.ts'])
      expect(messages(path), path).not.toMatch(/\\n\s+at /);
    // node:test needs nothing installed: that project still runs.
    expect(fileOf(report, 'tool/src/ok.test.js').status).toBe('passed');
    expect(cacheKeys(join(root, '.shardwise/cache'))).toHaveLength(1);
    await ctx.expectNoOrphans();
  });

  fault('a command runner that writes malformed JUnit XML, or none', async (ctx) => {
    const fakeRunner = (body: string) =>
      [
        "const { writeFileSync } = require('node:fs');",
        'const junit = process.argv[2];',
        body,
        'process.exit(0);',
        '',
      ].join('\n');
    const root = ctx.workspace({
      'package.json': PACKAGE_JSON('junit'),
      'shardwise.config.json': CONFIG({
        workers: 1,
        categories: {
          truncated: {
            include: ['**/*.truncated.test.js'],
            runner: { command: 'node ../tools/truncated.js {junit} {files}' },
          },
          garbage: {
            include: ['**/*.garbage.test.js'],
            runner: { command: 'node ../tools/garbage.js {junit} {files}' },
          },
          silent: {
            include: ['**/*.silent.test.js'],
            runner: { command: 'node ../tools/silent.js {junit} {files}' },
          },
          unit: { include: ['**/*'], runner: 'node' },
        },
      }),
      'tools/package.json': PACKAGE_JSON('tools'),
      'tools/truncated.js': fakeRunner(
        'writeFileSync(junit, \'<?xml version="1.0"?><testsuites><testsuite name="s" tests="1"><testcase classname="app/src/a.truncated.test.js" name="passes"\');',
      ),
      'tools/garbage.js': fakeRunner(
        'writeFileSync(junit, Buffer.from([0, 1, 2, 0xff, 0xfe, 60, 62]));',
      ),
      'tools/silent.js': fakeRunner('// Exits 0 and writes nothing.'),
      'app/package.json': PACKAGE_JSON('app'),
      'app/src/a.truncated.test.js': '// run by tools/truncated.js\n',
      'app/src/a.garbage.test.js': '// run by tools/garbage.js\n',
      'app/src/a.silent.test.js': '// run by tools/silent.js\n',
      'app/src/ok.test.js': nodePassing('ok'),
    });
    const run = await runCli(root, ['run', '--json', '--retries', '0'], { tag: ctx.tag });
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).not.toMatch(/internal error/);
    const report = reportOf(run);
    for (const kind of ['truncated', 'garbage', 'silent']) {
      const file = fileOf(report, `app/src/a.${kind}.test.js`);
      expect(file.status, `${kind}: ${JSON.stringify(file)}`).toBe('failed');
    }
    expect(fileOf(report, 'app/src/ok.test.js').status).toBe('passed');
    expect(cacheKeys(join(root, '.shardwise/cache'))).toHaveLength(1);
    await ctx.expectNoOrphans();
  });

  fault('a test file that does not parse (node:test, Vitest, Jest)', async (ctx) => {
    const root = ctx.workspace({
      'package.json': PACKAGE_JSON('parse'),
      'shardwise.config.json': CONFIG({ workers: 2 }),
      'node/package.json': `${JSON.stringify({ name: 'node-parse', private: true, scripts: { test: 'node --test' } })}\n`,
      'node/src/bad.test.js':
        "const { test } = require('node:test');\ntest('x', () => { const = ; });\n",
      'node/src/ok.test.js': nodePassing('ok'),
      'vitest/package.json': PACKAGE_JSON('vitest-parse'),
      'vitest/vitest.config.mts': VITEST_CONFIG,
      'vitest/src/bad.test.ts': "import { it } from 'vitest';\nit('x', () => { let a: = 1; });\n",
      'vitest/src/ok.test.ts':
        "import { expect, it } from 'vitest';\nit('ok', () => expect(1).toBe(1));\n",
      'jest/package.json': PACKAGE_JSON('jest-parse'),
      'jest/jest.config.js': JEST_CONFIG,
      'jest/src/bad.test.js': "it('x', () => { const = ; });\n",
      'jest/src/ok.test.js': "it('ok', () => expect(1).toBe(1));\n",
    });
    const plan = await runCli(root, ['plan', '--json'], { tag: ctx.tag });
    expect(plan.code, describeRun(plan)).toBe(0);
    const run = await runCli(root, ['run', '--json', '--retries', '0'], { tag: ctx.tag });
    expect(run.code, describeRun(run)).toBe(1);
    const report = reportOf(run);
    for (const [project, ext] of [
      ['node', 'js'],
      ['vitest', 'ts'],
      ['jest', 'js'],
    ] as const) {
      const bad = fileOf(report, `${project}/src/bad.test.${ext}`);
      expect(bad.status, project).toBe('failed');
      expect(JSON.stringify(bad.tests), project).toMatch(
        /SyntaxError|Unexpected|Expected|parse|Transform/i,
      );
      expect(fileOf(report, `${project}/src/ok.test.${ext}`).status, project).toBe('passed');
    }
    expect(cacheKeys(join(root, '.shardwise/cache'))).toHaveLength(3);
    await ctx.expectNoOrphans();
  });
});
