/**
 * Builds the file graph reachable from a set of root files (test files, runner configs, setup
 * files): for each file its content hash, the workspace files it imports, the externals and
 * built-ins it reaches, and why it cannot be traced statically, if it cannot. Parsed imports come
 * from the content-hash cache; misses are parsed together, level by level, on the parse pool.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashContent } from '../util/hash';
import type { ImportCache } from './import-cache';
import { CODE_FILE } from './parse-imports';
import { parseFiles } from './parse-pool';
import type { ModuleResolver } from './resolve-module';

export interface FileNode {
  path: string;
  contentHash: string;
  /** Workspace files this file imports (sorted, unique). */
  deps: string[];
  /** `name@version` of third-party packages it imports (sorted, unique). */
  externals: string[];
  builtins: string[];
  /** Reasons this file cannot be traced statically; non-empty makes its tests wide. */
  wideReasons: string[];
  /** The parser's message when the file does not parse. */
  parseError: string | undefined;
}

export interface FileGraph {
  nodes: Map<string, FileNode>;
  /** Roots that do not exist on disk (a config pointing at a missing setup file). */
  missing: string[];
  stats: { files: number; parsed: number; cached: number };
}

export interface BuildGraphOptions {
  workspaceRoot: string;
  roots: readonly string[];
  cache: ImportCache;
  resolver: ModuleResolver;
  /** Every workspace file: finds the same-named siblings of a resolved file (see below). */
  files?: ReadonlySet<string>;
}

const SIBLING_EXTENSION = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

/**
 * `x.ts` and `x.js` side by side: which one `./x` loads depends on the runner's extension order
 * (Jest and Vite try `.js` first, TypeScript-aware resolution `.ts`), so both are inputs. Maps
 * each code file that has such siblings to them; most workspaces have none.
 */
function indexSameNamedSiblings(files: ReadonlySet<string> | undefined): Map<string, string[]> {
  const byStem = new Map<string, string[]>();
  for (const file of files ?? []) {
    const match = SIBLING_EXTENSION.exec(file);
    if (match === null || file.endsWith('.d.ts')) continue;
    const stem = file.slice(0, match.index);
    const list = byStem.get(stem);
    if (list === undefined) byStem.set(stem, [file]);
    else list.push(file);
  }
  const siblings = new Map<string, string[]>();
  for (const list of byStem.values()) {
    if (list.length < 2) continue;
    for (const file of list) siblings.set(file, list.filter((other) => other !== file).sort());
  }
  return siblings;
}

export async function buildFileGraph(options: BuildGraphOptions): Promise<FileGraph> {
  const { workspaceRoot, cache, resolver } = options;
  const nodes = new Map<string, FileNode>();
  const missing: string[] = [];
  const stats = { files: 0, parsed: 0, cached: 0 };
  const queued = new Set<string>(options.roots);
  const siblings = indexSameNamedSiblings(options.files);
  let frontier = [...queued];

  while (frontier.length > 0) {
    const level: Array<{ node: FileNode; code: boolean }> = [];
    for (const path of frontier) {
      let content: Buffer;
      try {
        content = readFileSync(join(workspaceRoot, path));
      } catch {
        missing.push(path);
        continue;
      }
      const node: FileNode = {
        path,
        contentHash: hashContent(content),
        deps: [],
        externals: [],
        builtins: [],
        wideReasons: [],
        parseError: undefined,
      };
      nodes.set(path, node);
      level.push({ node, code: CODE_FILE.test(path) && !path.endsWith('.d.ts') });
    }
    stats.files += level.length;

    const misses = level.filter((f) => f.code && cache.get(f.node.contentHash) === undefined);
    const parsed = await parseFiles(misses.map((f) => join(workspaceRoot, f.node.path)));
    misses.forEach((f, i) => {
      const result = parsed[i];
      if (result !== undefined) cache.set(f.node.contentHash, result);
    });
    stats.parsed += misses.length;
    stats.cached += level.filter((f) => f.code).length - misses.length;

    const next: string[] = [];
    for (const { node, code } of level) {
      if (!code) continue;
      const entry = cache.get(node.contentHash);
      if (entry === undefined) continue;
      if ('error' in entry) {
        node.parseError = entry.error;
        node.wideReasons.push('does not parse');
        continue;
      }
      if (entry.nonLiteral > 0) {
        node.wideReasons.push(`${entry.nonLiteral} import()/require() with a non-literal argument`);
      }
      const deps = new Set<string>();
      const externals = new Set<string>();
      const builtins = new Set<string>();
      for (const record of entry.imports) {
        const resolution = resolver.resolve(node.path, record.specifier);
        switch (resolution.kind) {
          case 'file':
            if (resolution.path !== node.path) deps.add(resolution.path);
            for (const sibling of siblings.get(resolution.path) ?? [])
              if (sibling !== node.path) deps.add(sibling);
            if (record.kind === 'mock') {
              // jest.mock('./x') uses an adjacent __mocks__/x when there is one.
              const manual = findManualMock(workspaceRoot, resolution.path);
              if (manual !== undefined) deps.add(manual);
            }
            break;
          case 'external':
            externals.add(resolution.id);
            break;
          case 'builtin':
            builtins.add(resolution.id);
            break;
          case 'unresolved':
            // A mocked module may legitimately be virtual; anything else that resolves to nothing
            // might be any file of the project.
            if (record.kind !== 'mock') node.wideReasons.push(resolution.reason);
            break;
        }
      }
      node.deps = [...deps].sort();
      node.externals = [...externals].sort();
      node.builtins = [...builtins].sort();
      for (const dep of node.deps) {
        if (!queued.has(dep)) {
          queued.add(dep);
          next.push(dep);
        }
      }
    }
    frontier = next;
  }
  missing.sort();
  return { nodes, missing, stats };
}

const MOCK_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts', '.json'];

function findManualMock(workspaceRoot: string, path: string): string | undefined {
  const slash = path.lastIndexOf('/');
  const folder = slash === -1 ? '' : path.slice(0, slash + 1);
  const base = path.slice(slash + 1).replace(/\.[^.]+$/, '');
  for (const extension of MOCK_EXTENSIONS) {
    const candidate = `${folder}__mocks__/${base}${extension}`;
    if (existsSync(join(workspaceRoot, candidate))) return candidate;
  }
  return undefined;
}
