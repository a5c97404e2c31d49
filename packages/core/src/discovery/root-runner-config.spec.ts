import { afterAll, describe, expect, it } from 'vitest';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import { findRootRunnerConfigs, rootConfigFor } from './root-runner-config';

afterAll(removeTempWorkspaces);

function configsOf(files: Record<string, string>) {
  const root = tempWorkspace(files);
  return findRootRunnerConfigs(root, Object.keys(files));
}

describe('root runner configs', () => {
  it('reads a Jest projects array: folders, globs and inline projects', () => {
    const configs = configsOf({
      'jest.config.js': `module.exports = {
        projects: [
          '<rootDir>/packages/a',
          'libs/*',
          { displayName: 'b', rootDir: '<rootDir>/packages/b', setupFiles: ['<rootDir>/s.js'] },
          { displayName: { name: 'c', color: 'blue' }, testMatch: ['<rootDir>/apps/c/**/*.test.js'] },
        ],
      };`,
    });
    expect(configs).toEqual([
      {
        runner: 'jest',
        configFile: 'jest.config.js',
        entries: [
          { name: undefined, folders: ['packages/a'] },
          { name: undefined, folders: ['libs/*'] },
          { name: 'b', folders: ['packages/b'] },
          { name: 'c', folders: ['apps/c'] },
        ],
      },
    ]);
    expect(rootConfigFor(configs, 'packages/a')?.entry.folders).toEqual(['packages/a']);
    expect(rootConfigFor(configs, 'libs/x')?.entry.folders).toEqual(['libs/*']);
    expect(rootConfigFor(configs, 'apps/c')?.entry.name).toBe('c');
    expect(rootConfigFor(configs, 'apps/other')).toBeUndefined();
    // The root itself is never "covered": it has the config.
    expect(rootConfigFor(configs, '')).toBeUndefined();
  });

  it('reads Vitest test.projects through defineConfig, and a vitest.workspace array', () => {
    const configs = configsOf({
      'vitest.config.mts': `import { defineConfig } from 'vitest/config';
        export default defineConfig({ test: { projects: [
          'packages/*',
          { test: { name: 'api', root: './apps/api', include: ['src/**/*.test.ts'] } },
          { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'] } },
        ] } });`,
      'vitest.workspace.ts': `export default ['tools/*'];`,
    });
    expect(configs.map((c) => [c.configFile, c.entries])).toEqual([
      [
        'vitest.config.mts',
        [
          { name: undefined, folders: ['packages/*'] },
          { name: 'api', folders: ['apps/api/src'] },
          { name: 'e2e', folders: ['tests/e2e'] },
        ],
      ],
      ['vitest.workspace.ts', [{ name: undefined, folders: ['tools/*'] }]],
    ]);
    // A project folder above the include's folder is covered too.
    expect(rootConfigFor(configs, 'apps/api')?.entry.name).toBe('api');
  });

  it('ignores configs without projects and entries it cannot read statically', () => {
    expect(
      configsOf({ 'jest.config.js': 'module.exports = { testEnvironment: "node" };' }),
    ).toEqual([]);
    expect(
      configsOf({
        'jest.config.js': 'const p = require("./p"); module.exports = { projects: p };',
      }),
    ).toEqual([]);
  });
});
