/**
 * E2E support for the Nx plugin: a real Nx 24 workspace, hand-written the way create-nx-workspace
 * lays one out, with the packed `@shardwise/core` and `@shardwise/nx` installed from their
 * tarballs. One application (`apps/api`, Vitest) imports two libraries through tsconfig aliases:
 * `libs/money` (Jest with @swc/jest) and `libs/text` (Vitest). `money` imports `text` too, so a
 * closure crosses runners and projects.
 *
 * Workspaces live under the repository's ignored `tmp/e2e/`. Clones (CI agents) are `git clone`s
 * that share the first workspace's installed packages through hard links, so they cost seconds.
 */
import { packWorkspacePackages } from '../../tools/src/pack-packages';
import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { repoRoot } from './packed';

/** The versions the repository itself installs, so npm finds every package in its cache. */
export const VERSIONS = {
  nx: '24.0.6',
  '@nx/devkit': '24.0.0',
  jest: '30.5.2',
  '@swc/jest': '0.2.39',
  '@swc/core': '1.16.22',
  vitest: '4.1.12',
  typescript: '6.0.3',
  '@types/node': '20.19.43',
} as const;

export const PROJECTS = ['api', 'money', 'text'] as const;
export type ProjectName = (typeof PROJECTS)[number];

export const PROJECT_ROOTS: Record<ProjectName, string> = {
  api: 'apps/api',
  money: 'libs/money',
  text: 'libs/text',
};

/** Unit test files per project (every other test file is `.int.` or `.smoke.`). */
export const UNIT_TESTS: Record<ProjectName, string[]> = {
  api: ['apps/api/src/health.test.ts', 'apps/api/src/price.test.ts', 'apps/api/src/slugs.test.ts'],
  money: [
    'libs/money/src/add.test.ts',
    'libs/money/src/format.test.ts',
    'libs/money/src/round.test.ts',
  ],
  text: [
    'libs/text/src/pad.test.ts',
    'libs/text/src/slug.test.ts',
    'libs/text/src/truncate.test.ts',
  ],
};

/** Every test case in the workspace, as the runners count them. */
export const TEST_COUNT = { unit: 18, integration: 6, smoke: 2 } as const;

/**
 * The import graph of the workspace's code, workspace-relative (aliases already resolved). The
 * test computes closures from it, independently of Shardwise, to predict which shards a change
 * reaches.
 */
export const IMPORTS: Record<string, string[]> = {
  'libs/text/src/pad.ts': [],
  'libs/text/src/slug.ts': [],
  'libs/text/src/truncate.ts': [],
  'libs/text/src/index.ts': [
    'libs/text/src/pad.ts',
    'libs/text/src/slug.ts',
    'libs/text/src/truncate.ts',
  ],
  'libs/text/src/pad.test.ts': ['libs/text/src/pad.ts'],
  'libs/text/src/slug.test.ts': ['libs/text/src/slug.ts'],
  'libs/text/src/truncate.test.ts': ['libs/text/src/truncate.ts'],
  'libs/text/src/text.int.test.ts': ['libs/text/src/index.ts'],
  'libs/money/src/money.ts': [],
  'libs/money/src/add.ts': ['libs/money/src/money.ts'],
  'libs/money/src/format.ts': ['libs/money/src/money.ts', 'libs/text/src/index.ts'],
  'libs/money/src/round.ts': [],
  'libs/money/src/index.ts': [
    'libs/money/src/money.ts',
    'libs/money/src/add.ts',
    'libs/money/src/format.ts',
    'libs/money/src/round.ts',
  ],
  'libs/money/src/add.test.ts': ['libs/money/src/add.ts'],
  'libs/money/src/format.test.ts': ['libs/money/src/format.ts'],
  'libs/money/src/round.test.ts': ['libs/money/src/round.ts'],
  'libs/money/src/ledger.int.test.ts': ['libs/money/src/index.ts'],
  'libs/money/src/money.smoke.test.ts': ['libs/money/src/index.ts'],
  'apps/api/src/health.ts': [],
  'apps/api/src/price.ts': ['libs/money/src/index.ts'],
  'apps/api/src/slugs.ts': ['libs/text/src/index.ts'],
  'apps/api/src/server.ts': [
    'apps/api/src/health.ts',
    'apps/api/src/price.ts',
    'apps/api/src/slugs.ts',
  ],
  'apps/api/src/health.test.ts': ['apps/api/src/health.ts'],
  'apps/api/src/price.test.ts': ['apps/api/src/price.ts'],
  'apps/api/src/slugs.test.ts': ['apps/api/src/slugs.ts'],
  'apps/api/src/api.int.test.ts': ['apps/api/src/server.ts'],
  'apps/api/src/api.smoke.test.ts': ['apps/api/src/health.ts'],
};

/** Files reached from `file` through IMPORTS, `file` included. */
export function closureOf(file: string): Set<string> {
  const seen = new Set<string>();
  const stack = [file];
  while (stack.length > 0) {
    const next = stack.pop() as string;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(IMPORTS[next] ?? []));
  }
  return seen;
}

const JEST_CONFIG = `/** @type {import('jest').Config} */
module.exports = {
  displayName: 'money',
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  // The tsconfig aliases, for Jest.
  moduleNameMapper: { '^@e2e/(money|text)$': '<rootDir>/../$1/src/index.ts' },
};
`;

function vitestConfig(project: ProjectName, aliases: boolean): string {
  const alias = aliases
    ? `
  resolve: {
    alias: {
      '@e2e/money': fileURLToPath(new URL('../../libs/money/src/index.ts', import.meta.url)),
      '@e2e/text': fileURLToPath(new URL('../../libs/text/src/index.ts', import.meta.url)),
    },
  },`
    : '';
  return `${aliases ? "import { fileURLToPath } from 'node:url';\n" : ''}import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Out of the project folder, so nothing the runner writes becomes a project file.
  cacheDir: '../../node_modules/.vite/${project}',${alias}
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
`;
}

/** Source and test files. Tests import their runner's globals explicitly. */
const SOURCES: Record<string, string> = {
  'libs/text/src/pad.ts': `export function padLeft(value: string, width: number, fill = ' '): string {
  return value.length >= width ? value : fill.repeat(width - value.length) + value;
}
`,
  'libs/text/src/slug.ts': `export function slugify(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
`,
  'libs/text/src/truncate.ts': `export function truncate(value: string, max: number): string {
  return value.length <= max ? value : \`\${value.slice(0, Math.max(0, max - 1))}…\`;
}
`,
  'libs/text/src/index.ts': `export * from './pad';
export * from './slug';
export * from './truncate';
`,
  'libs/text/src/pad.test.ts': `import { describe, expect, it } from 'vitest';
import { padLeft } from './pad';

describe('padLeft', () => {
  it('pads short values', () => expect(padLeft('7', 3, '0')).toBe('007'));
  it('keeps long values', () => expect(padLeft('1234', 3)).toBe('1234'));
});
`,
  'libs/text/src/slug.test.ts': `import { describe, expect, it } from 'vitest';
import { slugify } from './slug';

describe('slugify', () => {
  it('lowercases and joins words', () => expect(slugify('Hello World')).toBe('hello-world'));
  it('trims separators', () => expect(slugify('  -Nx 24- ')).toBe('nx-24'));
});
`,
  'libs/text/src/truncate.test.ts': `import { describe, expect, it } from 'vitest';
import { truncate } from './truncate';

describe('truncate', () => {
  it('keeps short values', () => expect(truncate('abc', 5)).toBe('abc'));
  it('cuts long values with an ellipsis', () => expect(truncate('abcdef', 4)).toBe('abc…'));
});
`,
  'libs/text/src/text.int.test.ts': `import { expect, it } from 'vitest';
import { padLeft, slugify, truncate } from './index';

it('combines the helpers', () => {
  expect(truncate(slugify('A Very Long Title'), 8)).toBe('a-very-…');
  expect(padLeft(slugify('X'), 3, '_')).toBe('__x');
});
it('handles empty input', () => expect(slugify('')).toBe(''));
`,
  'libs/money/src/money.ts': `export interface Money {
  cents: number;
  currency: string;
}

export function money(cents: number, currency = 'EUR'): Money {
  if (!Number.isInteger(cents)) throw new Error('cents must be an integer');
  return { cents, currency };
}
`,
  'libs/money/src/add.ts': `import { money, type Money } from './money';

export function add(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new Error('currency mismatch');
  return money(a.cents + b.cents, a.currency);
}
`,
  'libs/money/src/format.ts': `import { padLeft } from '@e2e/text';
import type { Money } from './money';

export function formatMoney(value: Money): string {
  const sign = value.cents < 0 ? '-' : '';
  const cents = Math.abs(value.cents);
  return \`\${sign}\${Math.floor(cents / 100)}.\${padLeft(String(cents % 100), 2, '0')} \${value.currency}\`;
}
`,
  'libs/money/src/round.ts': `/** Banker's rounding to whole cents. */
export function roundHalfEven(cents: number): number {
  const floor = Math.floor(cents);
  const diff = cents - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
`,
  'libs/money/src/index.ts': `export * from './money';
export * from './add';
export * from './format';
export * from './round';
`,
  'libs/money/src/add.test.ts': `import { describe, expect, it } from '@jest/globals';
import { add } from './add';
import { money } from './money';

describe('add', () => {
  it('adds amounts', () => expect(add(money(150), money(275)).cents).toBe(425));
  it('refuses mixed currencies', () => expect(() => add(money(1), money(1, 'USD'))).toThrow('currency'));
});
`,
  'libs/money/src/format.test.ts': `import { describe, expect, it } from '@jest/globals';
import { formatMoney } from './format';
import { money } from './money';

describe('formatMoney', () => {
  it('formats cents', () => expect(formatMoney(money(1205))).toBe('12.05 EUR'));
  it('formats negative amounts', () => expect(formatMoney(money(-7, 'USD'))).toBe('-0.07 USD'));
});
`,
  'libs/money/src/round.test.ts': `import { describe, expect, it } from '@jest/globals';
import { roundHalfEven } from './round';

describe('roundHalfEven', () => {
  it('rounds halves to even', () => {
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(3.5)).toBe(4);
  });
  it('rounds other values to nearest', () => expect(roundHalfEven(2.6)).toBe(3));
});
`,
  'libs/money/src/ledger.int.test.ts': `import { expect, it } from '@jest/globals';
import { add, formatMoney, money, roundHalfEven } from './index';

it('sums a ledger', () => {
  const total = [100, 250, 5].map((c) => money(c)).reduce(add);
  expect(formatMoney(total)).toBe('3.55 EUR');
});
it('rounds interest', () => expect(roundHalfEven(1000 * 0.0125)).toBe(12));
`,
  'libs/money/src/money.smoke.test.ts': `import { expect, it } from '@jest/globals';
import { money } from './index';

it('creates money', () => expect(money(1).currency).toBe('EUR'));
`,
  'apps/api/src/health.ts': `export function health(): { status: 'ok' } {
  return { status: 'ok' };
}
`,
  'apps/api/src/price.ts': `import { add, formatMoney, money } from '@e2e/money';

export function priceWithShipping(cents: number): string {
  return formatMoney(add(money(cents), money(499)));
}
`,
  'apps/api/src/slugs.ts': `import { slugify } from '@e2e/text';

export function productPath(name: string): string {
  return \`/products/\${slugify(name)}\`;
}
`,
  'apps/api/src/server.ts': `import { health } from './health';
import { priceWithShipping } from './price';
import { productPath } from './slugs';

export function handle(path: string): { status: number; body: unknown } {
  if (path === '/health') return { status: 200, body: health() };
  if (path.startsWith('/price/')) return { status: 200, body: priceWithShipping(Number(path.slice(7))) };
  if (path.startsWith('/link/')) return { status: 200, body: productPath(decodeURIComponent(path.slice(6))) };
  return { status: 404, body: null };
}
`,
  'apps/api/src/health.test.ts': `import { describe, expect, it } from 'vitest';
import { health } from './health';

describe('health', () => {
  it('is ok', () => expect(health()).toEqual({ status: 'ok' }));
  it('returns a fresh object', () => expect(health()).not.toBe(health()));
});
`,
  'apps/api/src/price.test.ts': `import { describe, expect, it } from 'vitest';
import { priceWithShipping } from './price';

describe('priceWithShipping', () => {
  it('adds shipping', () => expect(priceWithShipping(1000)).toBe('14.99 EUR'));
  it('handles free items', () => expect(priceWithShipping(0)).toBe('4.99 EUR'));
});
`,
  'apps/api/src/slugs.test.ts': `import { describe, expect, it } from 'vitest';
import { productPath } from './slugs';

describe('productPath', () => {
  it('slugifies names', () => expect(productPath('Blue Shirt')).toBe('/products/blue-shirt'));
  it('drops punctuation', () => expect(productPath('Nx, 24!')).toBe('/products/nx-24'));
});
`,
  'apps/api/src/api.int.test.ts': `import { expect, it } from 'vitest';
import { handle } from './server';

it('routes requests', () => {
  expect(handle('/health').status).toBe(200);
  expect(handle('/price/100').body).toBe('5.99 EUR');
  expect(handle('/link/Red%20Hat').body).toBe('/products/red-hat');
});
it('answers 404 elsewhere', () => expect(handle('/nope').status).toBe(404));
`,
  'apps/api/src/api.smoke.test.ts': `import { expect, it } from 'vitest';
import { health } from './health';

it('starts', () => expect(health().status).toBe('ok'));
`,
};

function projectJson(name: ProjectName): Record<string, unknown> {
  const root = PROJECT_ROOTS[name];
  return {
    name,
    $schema: posix.relative(root, 'node_modules/nx/schemas/project-schema.json'),
    sourceRoot: `${root}/src`,
    projectType: name === 'api' ? 'application' : 'library',
    tags: [name === 'api' ? 'type:app' : 'type:lib'],
    targets: {},
  };
}

/** The workspace's files, workspace-relative. */
function workspaceFiles(
  tarballs: { core: string; nx: string } | undefined,
): Record<string, string> {
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  const files: Record<string, string> = {
    'package.json': json({
      name: '@e2e/source',
      version: '0.0.0',
      private: true,
      license: 'MIT',
      scripts: {},
      devDependencies: {
        ...VERSIONS,
        ...(tarballs === undefined
          ? {}
          : {
              '@shardwise/core': `file:${tarballs.core}`,
              '@shardwise/nx': `file:${tarballs.nx}`,
            }),
      },
    }),
    'nx.json': json({
      $schema: './node_modules/nx/schemas/nx-schema.json',
      defaultBase: 'main',
      namedInputs: {
        default: ['{projectRoot}/**/*', 'sharedGlobals'],
        production: [
          'default',
          '!{projectRoot}/**/*.test.ts',
          '!{projectRoot}/jest.config.js',
          '!{projectRoot}/vitest.config.mts',
        ],
        sharedGlobals: [],
      },
      plugins: [],
    }),
    'tsconfig.base.json': json({
      compileOnSave: false,
      compilerOptions: {
        target: 'es2022',
        module: 'esnext',
        moduleResolution: 'bundler',
        lib: ['es2023'],
        strict: true,
        skipLibCheck: true,
        isolatedModules: true,
        noEmit: true,
        types: ['node'],
        baseUrl: '.',
        paths: {
          '@e2e/money': ['libs/money/src/index.ts'],
          '@e2e/text': ['libs/text/src/index.ts'],
        },
      },
      exclude: ['node_modules', 'tmp'],
    }),
    '.gitignore': [
      'node_modules',
      'dist',
      'tmp',
      '.nx/cache',
      '.nx/workspace-data',
      '.shardwise',
      '',
    ].join('\n'),
    'libs/money/jest.config.js': JEST_CONFIG,
    'libs/text/vitest.config.mts': vitestConfig('text', false),
    'apps/api/vitest.config.mts': vitestConfig('api', true),
    ...SOURCES,
  };
  for (const project of PROJECTS) {
    const root = PROJECT_ROOTS[project];
    files[`${root}/project.json`] = json(projectJson(project));
    files[`${root}/tsconfig.json`] = json({
      extends: '../../tsconfig.base.json',
      include: ['src/**/*.ts'],
    });
  }
  return files;
}

let packed: { core: string; nx: string } | undefined;

/**
 * Packs @shardwise/core and @shardwise/nx once per test process (`npm pack --workspace`), like
 * `packPackages` in packed.ts, which packs only core for the CLI tests.
 */
export function packCoreAndNx(): { core: string; nx: string } {
  if (packed !== undefined) return packed;
  const tarballs = packWorkspacePackages(mkdtempSync(join(tmpdir(), 'shardwise-pack-nx-')), [
    '@shardwise/core',
    '@shardwise/nx',
  ]);
  packed = { core: tarballs.get('@shardwise/core')!, nx: tarballs.get('@shardwise/nx')! };
  return packed;
}

export interface NxWorkspace {
  root: string;
  installMs: number;
}

export interface CreateOptions {
  /** Without the Shardwise packages (to check the workspace's own runners and Nx alone). */
  withShardwise?: boolean;
}

export const GIT_IDENTITY = [
  '-c',
  'user.email=e2e@shardwise.invalid',
  '-c',
  'user.name=Shardwise E2E',
];

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', [...GIT_IDENTITY, ...args], { cwd, encoding: 'utf8' });
}

/** A fresh workspace in `<repo>/tmp/e2e/nx-*`, installed and committed on `main`. */
export function createNxWorkspace(options: CreateOptions = {}): NxWorkspace {
  const parent = join(repoRoot, 'tmp', 'e2e');
  mkdirSync(parent, { recursive: true });
  const root = mkdtempSync(join(parent, 'nx-'));
  let tarballs: { core: string; nx: string } | undefined;
  if (options.withShardwise ?? true) {
    const source = packCoreAndNx();
    // Inside the workspace and committed, so every clone installs the same bytes.
    mkdirSync(join(root, 'vendor'));
    copyFileSync(source.core, join(root, 'vendor/shardwise-core.tgz'));
    copyFileSync(source.nx, join(root, 'vendor/shardwise-nx.tgz'));
    tarballs = { core: 'vendor/shardwise-core.tgz', nx: 'vendor/shardwise-nx.tgz' };
  }
  for (const [path, content] of Object.entries(workspaceFiles(tarballs))) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  const started = Date.now();
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: {
        ...process.env,
        npm_config_update_notifier: 'false',
        // nx's postinstall resolves its cache folder: keep it in the workspace, not in ~/.nx.
        NX_CACHE_DIRECTORY: join(root, '.nx/cache'),
        NX_WORKSPACE_DATA_DIRECTORY: join(root, '.nx/workspace-data'),
      },
    },
  );
  const installMs = Date.now() - started;
  execFileSync('git', ['init', '--quiet', '--initial-branch=main'], { cwd: root });
  commitAll(root, 'initial workspace');
  return { root, installMs };
}

export function commitAll(root: string, message: string): void {
  git(root, 'add', '-A');
  git(root, 'commit', '--quiet', '--no-verify', '-m', message);
}

/**
 * A second checkout, as a CI agent gets it: `git clone` (so no `.nx` cache, no `.shardwise`
 * folder, nothing uncommitted) plus the first workspace's node_modules through hard links
 * (`npm ci` would install the same lockfile; linking takes a second instead of a minute).
 */
export function cloneWorkspace(source: string): string {
  const root = mkdtempSync(join(dirname(source), `${posix.basename(source)}-clone-`));
  execFileSync('git', ['clone', '--quiet', source, root]);
  execFileSync('cp', ['-al', join(source, 'node_modules'), join(root, 'node_modules')]);
  // Vite's cache folder is written in place: never share it through a hard link.
  rmSync(join(root, 'node_modules/.vite'), { recursive: true, force: true });
  return root;
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order. */
  output: string;
}

const running = new Set<ChildProcess>();

/**
 * Runs the workspace's own `nx` without blocking the event loop, so an in-process remote cache
 * server keeps answering. The child gets its own process group; a timeout kills the group.
 */
export function nx(
  cwd: string,
  args: string[],
  env: Record<string, string | undefined> = {},
  timeoutMs = 180_000,
): Promise<CommandResult> {
  return runInGroup(join(cwd, 'node_modules/.bin/nx'), args, cwd, nxEnv(cwd, env), timeoutMs);
}

/**
 * The environment `nx` runs with: nothing from the caller's Nx environment (a remote cache, a
 * daemon, Nx Cloud), plain static output, and this checkout's own cache folders.
 */
export function nxEnv(
  cwd: string,
  env: Record<string, string | undefined> = {},
): Record<string, string | undefined> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('NX_')),
  );
  return {
    ...base,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_TUI: 'false',
    // Nx 24 shares one local cache between every checkout of a repository (in ~/.nx/<id>, keyed
    // by the git remote or first commit): each checkout gets its own, as on separate machines.
    NX_CACHE_DIRECTORY: join(cwd, '.nx/cache'),
    NX_WORKSPACE_DATA_DIRECTORY: join(cwd, '.nx/workspace-data'),
    CI: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    ...env,
  };
}

/**
 * Runs a command in its own process group, stdin closed (so a prompt fails instead of waiting),
 * collecting its output; `killRunning` and the timeout end the whole group.
 */
export function runInGroup(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string | undefined>,
  timeoutMs: number,
): Promise<CommandResult> {
  const child = spawn(command, args, {
    cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  running.add(child);
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    output += chunk.toString();
  });
  const timer = setTimeout(() => killGroup(child), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, stdout, stderr, output });
    });
  });
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Ends every `nx` process group still running (afterAll). */
export function killRunning(): void {
  for (const child of running) killGroup(child);
  running.clear();
}

/** How Nx reports one task of a run. */
export type TaskStatus = 'ran' | 'local cache' | 'remote cache' | 'kept';

/**
 * Task statuses from Nx 24's static output. Each task prints one line, `> nx run <id>` (full
 * output) or `✔  nx run <id>` (collapsed), with `  [local cache]`, `  [remote cache]` or
 * `  [existing outputs match the cache, left as is]` after it when Nx restored it.
 */
export function taskStatuses(output: string): Map<string, TaskStatus> {
  const statuses = new Map<string, TaskStatus>();
  // `(?:\s+-\S+)*` skips flags Nx prints after the task id (`--skip-nx-cache`, overrides).
  const line = /^\s*(?:>|✔|√|✖|×)\s+nx run (\S+)(?:\s+-\S+)*(?:\s+\[([^\]]+)\])?\s*$/;
  for (const raw of output.split('\n')) {
    const match = line.exec(raw);
    if (match === null) continue;
    const [, id, tag] = match;
    if (id === undefined) continue;
    const status: TaskStatus | undefined =
      tag === undefined
        ? 'ran'
        : tag === 'local cache' || tag === 'remote cache'
          ? tag
          : tag.startsWith('existing outputs match the cache')
            ? 'kept'
            : undefined;
    if (status !== undefined) statuses.set(id, status);
  }
  return statuses;
}

/** "Nx read the output from the cache instead of running the command for N out of M tasks." */
export function cacheSummary(output: string): { cached: number; total: number } | undefined {
  const match =
    /Nx read the output from the cache instead of running the command for (\d+) out of (\d+) tasks\./.exec(
      output,
    );
  return match === null ? undefined : { cached: Number(match[1]), total: Number(match[2]) };
}
