/**
 * Inputs that every test of a project shares besides its import closure: the tsconfig chain,
 * runner setup files named in its config, the versions of the runner and of Shardwise, and the
 * values of result-changing environment variables.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
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

const SETUP_PATH = /['"`]((?:\.{1,2}\/|<rootDir>\/)[^'"`\n]+?\.(?:[cm]?[jt]sx?|json))['"`]/g;

/**
 * Files a runner config names by relative path (setupFiles, globalSetup, snapshotResolver...):
 * they are not imports, so the graph would not see them.
 */
export function referencedSetupFiles(
  workspaceRoot: string,
  configFile: string,
  projectRoot: string,
  fileSet: ReadonlySet<string>,
): string[] {
  let text: string;
  try {
    text = readFileSync(join(workspaceRoot, configFile), 'utf8');
  } catch {
    return [];
  }
  const found = new Set<string>();
  for (const match of text.matchAll(SETUP_PATH)) {
    const raw = match[1]!;
    const base = raw.startsWith('<rootDir>/') ? projectRoot : dirnamePosix(configFile);
    const target = toPosix(
      relative(workspaceRoot, resolve(workspaceRoot, base, raw.replace(/^<rootDir>\//, './'))),
    );
    if (fileSet.has(target)) found.add(target);
  }
  return [...found].sort();
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
