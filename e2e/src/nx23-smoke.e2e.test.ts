/**
 * Nx 23 smoke test (contracts §4: "one smoke test runs a workspace from create-nx-workspace (Nx
 * 23)"). The rest of the e2e suite runs Nx 24; this checks that the packed `@shardwise/nx`, whose
 * `@nx/devkit` 24 accepts `nx >=23 <=25`, still loads, infers and runs under Nx 23.
 *
 * `create-nx-workspace` (npm preset, no Nx Cloud, no git, no prompts: stdin is closed) lays out a
 * package-based workspace; a Jest library and a Vitest library are written into its `packages/`
 * by hand, the tarballs and runners installed with `--prefer-offline`, then: `init`, `show
 * project`, `run-many -t test-unit` twice (the second all cache hits).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, repoRoot } from './packed';
import {
  VERSIONS,
  cacheSummary,
  killRunning,
  nx,
  nxEnv,
  packCoreAndNx,
  runInGroup,
  taskStatuses,
} from './nx-workspace';
import type { CommandResult } from './nx-workspace';

/** The newest Nx 23 release that create-nx-workspace, nx and @nx/* all publish. */
const NX23 = '23.2.1';
const WORKSPACE = 'smoke';
const LIBS = ['calc', 'words'] as const;
/** Test cases in the two libraries (calc: 4 with Jest, words: 3 with Vitest). */
const TESTS = 7;
const SHARD = /^(calc|words):(test-unit--shard-\d+)$/;

interface TargetConfig {
  executor?: string;
  dependsOn?: Array<string | { target: string }>;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** The two libraries, as a user would add them to the npm preset's `packages/` folder. */
const LIB_FILES: Record<string, string> = {
  'packages/calc/package.json': json({ name: 'calc', version: '0.0.0', private: true }),
  'packages/calc/jest.config.js': `/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  transform: {
    '^.+\\\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
};
`,
  'packages/calc/src/add.ts': `export function add(a: number, b: number): number {
  return a + b;
}
`,
  'packages/calc/src/mul.ts': `import { add } from './add';

export function mul(a: number, b: number): number {
  let total = 0;
  for (let i = 0; i < Math.abs(b); i++) total = add(total, a);
  return b < 0 ? -total : total;
}
`,
  'packages/calc/src/add.test.ts': `import { expect, it } from '@jest/globals';
import { add } from './add';

it('adds', () => expect(add(2, 3)).toBe(5));
it('adds negatives', () => expect(add(-2, -3)).toBe(-5));
`,
  'packages/calc/src/mul.test.ts': `import { expect, it } from '@jest/globals';
import { mul } from './mul';

it('multiplies', () => expect(mul(4, 3)).toBe(12));
it('multiplies by a negative', () => expect(mul(4, -2)).toBe(-8));
`,
  'packages/words/package.json': json({
    name: 'words',
    version: '0.0.0',
    private: true,
    type: 'module',
  }),
  'packages/words/vitest.config.mts': `import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Out of the project folder, so nothing the runner writes becomes a project file.
  cacheDir: '../../node_modules/.vite/words',
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
`,
  'packages/words/src/slug.ts': `export function slugify(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}
`,
  'packages/words/src/pad.ts': `export function padLeft(value: string, width: number): string {
  return value.padStart(width, ' ');
}
`,
  'packages/words/src/slug.test.ts': `import { expect, it } from 'vitest';
import { slugify } from './slug';

it('slugifies', () => expect(slugify('Hello World')).toBe('hello-world'));
it('trims separators', () => expect(slugify(' -Nx 23- ')).toBe('nx-23'));
`,
  'packages/words/src/pad.test.ts': `import { expect, it } from 'vitest';
import { padLeft } from './pad';

it('pads', () => expect(padLeft('7', 3)).toBe('  7'));
`,
};

function describeRun(what: string, result: CommandResult): string {
  return `${what} exited ${result.code}:\n${result.output.slice(-6000)}`;
}

async function nxOk(root: string, args: string[]): Promise<CommandResult> {
  const result = await nx(root, args);
  expect(result.code, describeRun(`nx ${args.join(' ')}`, result)).toBe(0);
  return result;
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  try {
    return await work();
  } finally {
    console.info(`nx23 smoke: ${label} took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
}

describe('@shardwise/nx in an Nx 23 workspace from create-nx-workspace', () => {
  let parent: string;
  let root: string;
  const shards: string[] = [];

  beforeAll(async () => {
    mkdirSync(join(repoRoot, 'tmp', 'e2e'), { recursive: true });
    parent = mkdtempSync(join(repoRoot, 'tmp', 'e2e', 'nx23-'));
    root = join(parent, WORKSPACE);
    const tarballs = packCoreAndNx();

    const created = await timed('create-nx-workspace', () =>
      runInGroup(
        'npx',
        [
          '--yes',
          `create-nx-workspace@${NX23}`,
          WORKSPACE,
          '--preset=npm',
          '--nxCloud=skip',
          '--packageManager=npm',
          '--skipGit',
          // Each of these is a prompt otherwise (create-nx-workspace 23 --help).
          '--aiAgents=none',
          '--analytics=false',
          '--formatter=none',
          '--no-interactive',
        ],
        parent,
        nxEnv(root, {
          // Installs come from npm's cache where it can (CI shares one npm cache, contracts §8).
          npm_config_prefer_offline: 'true',
          npm_config_update_notifier: 'false',
          npm_config_audit: 'false',
          npm_config_fund: 'false',
        }),
        150_000,
      ),
    );
    expect(created.code, describeRun('create-nx-workspace', created)).toBe(0);
    const nxVersion = (
      JSON.parse(readFileSync(join(root, 'node_modules/nx/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(nxVersion, 'create-nx-workspace@23 installs Nx 23').toMatch(/^23\./);

    for (const [path, content] of Object.entries(LIB_FILES)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    // Inside the workspace, so package.json records a path that stays valid.
    mkdirSync(join(root, 'vendor'));
    copyFileSync(tarballs.core, join(root, 'vendor/shardwise-core.tgz'));
    copyFileSync(tarballs.nx, join(root, 'vendor/shardwise-nx.tgz'));
    const installed = await timed('npm install', () =>
      runInGroup(
        'npm',
        [
          'install',
          '--save-dev',
          '--no-audit',
          '--no-fund',
          '--prefer-offline',
          '--loglevel=error',
          './vendor/shardwise-core.tgz',
          './vendor/shardwise-nx.tgz',
          `jest@${VERSIONS.jest}`,
          `@swc/jest@${VERSIONS['@swc/jest']}`,
          `@swc/core@${VERSIONS['@swc/core']}`,
          `vitest@${VERSIONS.vitest}`,
        ],
        root,
        nxEnv(root, { npm_config_update_notifier: 'false' }),
        150_000,
      ),
    );
    expect(installed.code, describeRun('npm install', installed)).toBe(0);
  });

  afterAll(() => {
    killRunning();
    cleanup(parent);
  });

  it('init adds the plugin and show project lists test-unit and its shards', async () => {
    await timed('nx g init', () => nxOk(root, ['g', '@shardwise/nx:init', '--no-interactive']));
    const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')) as {
      plugins?: Array<string | { plugin: string }>;
    };
    expect(
      (nxJson.plugins ?? []).some(
        (p) => (typeof p === 'string' ? p : p.plugin) === '@shardwise/nx',
      ),
      JSON.stringify(nxJson.plugins),
    ).toBe(true);

    for (const lib of LIBS) {
      const shown = await nxOk(root, ['show', 'project', lib, '--json']);
      const targets = (JSON.parse(shown.stdout) as { targets: Record<string, TargetConfig> })
        .targets;
      const names = Object.keys(targets);
      expect(names).toEqual(expect.arrayContaining(['test-optimized', 'test-unit']));
      const shardNames = names.filter((n) => /^test-unit--shard-\d+$/.test(n)).sort();
      expect(shardNames.length, names.join(', ')).toBeGreaterThan(0);
      expect(targets['test-unit']?.executor).toBe('nx:noop');
      expect(
        targets['test-unit']?.dependsOn?.map((d) => (typeof d === 'string' ? d : d.target)).sort(),
      ).toEqual(shardNames);
      for (const name of shardNames) {
        expect(targets[name]?.executor).toBe('@shardwise/nx:test');
        shards.push(`${lib}:${name}`);
      }
    }
    shards.sort();
  });

  it('run-many -t test-unit passes; the second run is all cache hits', async () => {
    expect(shards.length, 'the previous check found the shard targets').toBeGreaterThan(0);
    const args = ['run-many', '-t', 'test-unit', '--output-style=static'];
    const first = await timed('run-many (first)', () => nxOk(root, args));
    const ran = [...taskStatuses(first.output)].filter(([id]) => SHARD.test(id));
    expect(
      ran
        .filter(([, s]) => s === 'ran')
        .map(([id]) => id)
        .sort(),
      first.output,
    ).toEqual(shards);
    let passed = 0;
    for (const id of shards) {
      const [, project, target] = SHARD.exec(id) ?? [];
      const dir = join(root, '.shardwise/reports', project ?? '', target ?? '');
      const runId = readFileSync(join(dir, 'latest'), 'utf8').trim();
      const report = JSON.parse(readFileSync(join(dir, runId, 'report.json'), 'utf8')) as {
        summary: { passed: number; failed: number };
      };
      expect(report.summary.failed, id).toBe(0);
      passed += report.summary.passed;
    }
    expect(passed).toBe(TESTS);

    const second = await timed('run-many (second)', () => nxOk(root, args));
    const again = [...taskStatuses(second.output)].filter(([id]) => SHARD.test(id));
    expect(
      again
        .filter(([, s]) => s === 'local cache' || s === 'kept')
        .map(([id]) => id)
        .sort(),
      second.output,
    ).toEqual(shards);
    const summary = cacheSummary(second.output);
    expect(summary, second.output).toBeDefined();
    expect(summary?.cached).toBe(summary?.total);
  });
});
