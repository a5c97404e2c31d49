/**
 * Inputs that every test of a project shares besides its import closure: the tsconfig chain,
 * runner setup files named in its config, the versions of the runner and of Shardwise, and the
 * values of result-changing environment variables.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parseSync } from '@swc/core';
import { parse as parseJsonc } from 'jsonc-parser';
import { parseOptionsFor } from '../graph/parse-imports';
import { keyName } from '../graph/runner-aliases';
import { dirnamePosix, toPosix } from '../util/paths';
import { relative, resolve } from 'node:path';

/** Workspace-relative tsconfig files from the project's tsconfig.json through its `extends`. */
export function tsconfigChain(
  workspaceRoot: string,
  projectRoot: string,
  fileSet: ReadonlySet<string>,
): string[] {
  const chain: string[] = [];
  const start = projectRoot === '' ? 'tsconfig.json' : `${projectRoot}/tsconfig.json`;
  const queue = fileSet.has(start)
    ? [start]
    : fileSet.has('tsconfig.json')
      ? ['tsconfig.json']
      : [];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (chain.includes(file)) continue;
    chain.push(file);
    let json: unknown;
    try {
      json = parseJsonc(readFileSync(join(workspaceRoot, file), 'utf8'));
    } catch {
      continue;
    }
    const extendsValue = (json as { extends?: unknown } | undefined)?.extends;
    const parents = Array.isArray(extendsValue) ? extendsValue : [extendsValue];
    for (const parent of parents) {
      if (typeof parent !== 'string' || !parent.startsWith('.')) continue;
      const target = toPosix(
        relative(workspaceRoot, resolve(workspaceRoot, dirnamePosix(file), parent)),
      );
      const withJson = target.endsWith('.json') ? target : `${target}.json`;
      if (fileSet.has(withJson)) queue.push(withJson);
    }
  }
  return chain.sort();
}

/** Path keys of the root tsconfig files (`@org/lib/*` → `@org/lib`): imports of these are ours. */
export function tsconfigPathPrefixes(
  workspaceRoot: string,
  fileSet: ReadonlySet<string>,
): string[] {
  const prefixes = new Set<string>();
  for (const file of ['tsconfig.base.json', 'tsconfig.json']) {
    if (!fileSet.has(file)) continue;
    try {
      const json = parseJsonc(readFileSync(join(workspaceRoot, file), 'utf8')) as {
        compilerOptions?: { paths?: Record<string, unknown> };
      };
      for (const key of Object.keys(json?.compilerOptions?.paths ?? {})) {
        const prefix = key.replace(/\/?\*$/, '');
        if (prefix !== '') prefixes.add(prefix);
      }
    } catch {
      // An unreadable tsconfig only loses the hint; resolution itself still reads it.
    }
  }
  return [...prefixes];
}

/**
 * Config keys whose values name files the runner loads around the tests (Jest and Vitest
 * spellings). Only these count: other paths in a config (such as `resolve.alias` targets) are
 * resolution settings, and the files behind them are reached through the tests' own imports.
 */
const SETUP_KEYS = new Set([
  'setupFiles',
  'setupFilesAfterEnv',
  'globalSetup',
  'globalTeardown',
  'snapshotResolver',
  'snapshotSerializers',
  'testEnvironment',
  'environment',
  'testSequencer',
  'sequencer',
  'resolver',
  'dependencyExtractor',
  'reporters',
]);

type AstNode = Record<string, unknown>;

/** String literals anywhere under the values of setup keys in a runner config's AST. */
function setupStrings(root: unknown): string[] {
  const found: string[] = [];
  const collect = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) collect(item);
      return;
    }
    const node = value as AstNode;
    if (node['type'] === 'StringLiteral' && typeof node['value'] === 'string')
      found.push(node['value']);
    for (const key in node) if (key !== 'span') collect(node[key]);
  };
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    const node = value as AstNode;
    if (node['type'] === 'KeyValueProperty' && SETUP_KEYS.has(keyName(node['key']) ?? '')) {
      collect(node['value']);
      return;
    }
    for (const key in node) if (key !== 'span') walk(node[key]);
  };
  walk(root);
  return found;
}

/**
 * Files a runner config names under its setup keys (setupFiles, globalSetup,
 * snapshotResolver, …): they are not imports, so the graph would not see them.
 */
export function referencedSetupFiles(
  workspaceRoot: string,
  configFile: string,
  projectRoot: string,
  fileSet: ReadonlySet<string>,
): string[] {
  let ast: unknown;
  try {
    const text = readFileSync(join(workspaceRoot, configFile), 'utf8');
    if (configFile.endsWith('.json')) {
      const json = JSON.parse(text) as unknown;
      ast = toLiteralTree(
        configFile.endsWith('package.json') ? (json as { jest?: unknown })?.jest : json,
      );
    } else {
      ast = parseSync(text, parseOptionsFor(configFile));
    }
  } catch {
    return [];
  }
  const found = new Set<string>();
  for (const raw of setupStrings(ast)) {
    if (!/^(\.{1,2}\/|<rootDir>\/)/.test(raw)) continue;
    // A root config's project entries resolve relative paths from the project's own root.
    const bases = raw.startsWith('<rootDir>/')
      ? [projectRoot]
      : [...new Set([dirnamePosix(configFile), projectRoot])];
    for (const base of bases) {
      const target = toPosix(
        relative(workspaceRoot, resolve(workspaceRoot, base, raw.replace(/^<rootDir>\//, './'))),
      );
      for (const candidate of [
        target,
        ...['.ts', '.js', '.mjs', '.cjs', '.mts', '.cts'].map((e) => target + e),
      ]) {
        if (fileSet.has(candidate)) {
          found.add(candidate);
          break;
        }
      }
    }
  }
  return [...found].sort();
}

/** A JSON value in the shape of swc's AST, so JSON configs go through the same walk. */
function toLiteralTree(value: unknown): unknown {
  if (typeof value === 'string') return { type: 'StringLiteral', value };
  if (Array.isArray(value)) return value.map(toLiteralTree);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).map(([key, inner]) => ({
      type: 'KeyValueProperty',
      key: { type: 'StringLiteral', value: key },
      value: toLiteralTree(inner),
    }));
  }
  return null;
}

/** Installed version of a runner as seen from the project folder, or `missing`. */
export function runnerVersion(
  workspaceRoot: string,
  projectRoot: string,
  runner: string | undefined,
): string {
  if (runner === undefined || runner === 'command') return 'none';
  if (runner === 'node') return process.version;
  try {
    const requireFromProject = createRequire(join(workspaceRoot, projectRoot, 'package.json'));
    const pkg = requireFromProject(`${runner}/package.json`) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'missing';
  }
}

export function shardwiseVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** `NAME=value` (or `NAME` when unset) for each variable, sorted: part of every test's key. */
export function envFingerprint(names: Iterable<string>, env: NodeJS.ProcessEnv): string[] {
  const all = new Set(names);
  for (const name of Object.keys(env)) if (name.startsWith('OPTIMIZED_TEST_')) all.add(name);
  return [...all].sort().map((name) => (env[name] === undefined ? name : `${name}=${env[name]}`));
}
