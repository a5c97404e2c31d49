/**
 * Root-level runner configs on real Jest 30 and Vitest 4: a root `jest.config.js` whose
 * `projects` array defines `alpha`, and a root `vitest.config.mts` whose `test.projects` defines
 * `beta`; neither package has a runner config of its own. Each package's files run in its
 * project's runner instance (the tests check the globals their project's setup file sets), the
 * root config and the setup files are inputs of exactly their project's tests.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup } from './packed';
import { buildCore, CLI, writeWorkspace } from './everyday-b-workspace';

const WORKSPACE: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'root-configs-e2e', private: true }),
  'jest.config.js': `module.exports = {
  projects: [
    {
      displayName: 'alpha',
      rootDir: '<rootDir>/packages/alpha',
      testEnvironment: 'node',
      setupFiles: ['<rootDir>/setup.js'],
    },
  ],
};
`,
  'vitest.config.mts': `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'beta',
          root: './packages/beta',
          include: ['src/**/*.test.ts'],
          setupFiles: ['./setup.ts'],
        },
      },
    ],
  },
});
`,
  'packages/alpha/package.json': JSON.stringify({ name: 'alpha', private: true }),
  'packages/alpha/setup.js': "globalThis.ALPHA_SETUP = 'alpha';\n",
  'packages/alpha/src/sum.js': 'exports.sum = (a, b) => a + b;\n',
  'packages/alpha/src/sum.test.js': `const { sum } = require('./sum');
test('runs in the alpha project, after its setup file', () => {
  expect(globalThis.ALPHA_SETUP).toBe('alpha');
  expect(sum(1, 2)).toBe(3);
});
`,
  'packages/beta/package.json': JSON.stringify({ name: 'beta', private: true }),
  'packages/beta/setup.ts': "(globalThis as { BETA_SETUP?: string }).BETA_SETUP = 'beta';\n",
  'packages/beta/src/word.ts': 'export const shout = (s: string): string => `${s}!`;\n',
  'packages/beta/src/word.test.ts': `import { expect, it } from 'vitest';
import { shout } from './word';

it('runs in the beta project, after its setup file', () => {
  expect((globalThis as { BETA_SETUP?: string }).BETA_SETUP).toBe('beta');
  expect(shout('hi')).toBe('hi!');
});
`,
};

interface PlanJson {
  projects: Array<{ name: string; runner: string | null; sharedInputs: string[] }>;
}

function shardwise(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0', CI: 'true' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('root-level Jest projects and Vitest projects', () => {
  let root: string;

  beforeAll(() => {
    buildCore();
    root = writeWorkspace('everyday-b-roots', WORKSPACE);
  });
  afterAll(() => cleanup(root));

  it('plans each package with the root config that defines it, setup files included', () => {
    const result = shardwise(root, 'plan', '--json');
    expect(result.code, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as PlanJson;
    const byName = Object.fromEntries(plan.projects.map((p) => [p.name, p]));
    expect(byName['alpha']).toMatchObject({ runner: 'jest' });
    expect(byName['alpha']?.sharedInputs).toEqual(
      expect.arrayContaining(['jest.config.js', 'packages/alpha/setup.js']),
    );
    expect(byName['alpha']?.sharedInputs).not.toContain('vitest.config.mts');
    expect(byName['beta']).toMatchObject({ runner: 'vitest' });
    expect(byName['beta']?.sharedInputs).toEqual(
      expect.arrayContaining(['vitest.config.mts', 'packages/beta/setup.ts']),
    );
    expect(byName['beta']?.sharedInputs).not.toContain('jest.config.js');
  });

  it("runs each package's files in its project's runner instance", () => {
    const result = shardwise(root, 'run', '--json', '--no-cache');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as {
      summary: { passed: number; failed: number; files: number };
      files: Array<{ path: string; status: string }>;
    };
    expect(report.summary).toMatchObject({ passed: 2, failed: 0, files: 2 });
    expect(report.files.map((f) => [f.path, f.status]).sort()).toEqual([
      ['packages/alpha/src/sum.test.js', 'passed'],
      ['packages/beta/src/word.test.ts', 'passed'],
    ]);
  });

  it("a project's setup file and root config affect only that project's tests", () => {
    const affected = (file: string) => {
      const result = shardwise(root, 'affected', '--files', file, '--json');
      expect(result.code, result.stderr).toBe(0);
      return (JSON.parse(result.stdout) as { affected: Array<{ path: string }> }).affected.map(
        (a) => a.path,
      );
    };
    expect(affected('packages/beta/setup.ts')).toEqual(['packages/beta/src/word.test.ts']);
    expect(affected('jest.config.js')).toEqual(['packages/alpha/src/sum.test.js']);
  });
});
