/**
 * Builds the file graph reachable from a set of root files (test files, runner configs, setup
 * files): for each file its content hash, the workspace files it imports, the externals and
 * built-ins it reaches, and why it cannot be traced statically, if it cannot. Parsed imports come
 * from the content-hash cache; misses stream through the parse pool in batches, each linked as it
 * comes back.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hashFile } from '../util/hash';
import type { ImportCache } from './import-cache';
import { CODE_FILE } from './parse-imports';
import { parseInBatches } from './parse-pool';
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
  let pending = [...queued];

  /** Resolves a parsed file's imports and queues the workspace files it reaches. */
  const link = (node: FileNode): void => {
    const entry = cache.get(node.contentHash);
    if (entry === undefined) return;
    if ('error' in entry) {
      node.parseError = entry.error;
      node.wideReasons.push('does not parse');
      return;
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
        pending.push(dep);
      }
    }
  };

  // Files flow through without waiting for each other: cache hits are linked at once, misses go
  // to the parse pool in batches and are linked as each batch comes back, so the main thread
  // reads, hashes and resolves while the workers parse. With nothing cached (a cold start) the
  // main thread does not even hash code files: the workers read, hash and parse each one.
  const blind = cache.size === 0;
  const inFlight = new Set<Promise<void>>();
  const newNode = (path: string, contentHash: string): FileNode => ({
    path,
    contentHash,
    deps: [],
    externals: [],
    builtins: [],
    wideReasons: [],
    parseError: undefined,
  });
  while (pending.length > 0 || inFlight.size > 0) {
    if (pending.length === 0) {
      await Promise.race(inFlight);
      continue;
    }
    const round = pending;
    pending = [];
    const misses: FileNode[] = [];
    for (const path of round) {
      const code = CODE_FILE.test(path) && !path.endsWith('.d.ts');
      if (blind && code) {
        misses.push(newNode(path, ''));
        continue;
      }
      let contentHash: string;
      try {
        contentHash = hashFile(join(workspaceRoot, path));
      } catch {
        missing.push(path);
        continue;
      }
      const node = newNode(path, contentHash);
      nodes.set(path, node);
      stats.files++;
      if (!code) continue;
      if (cache.get(contentHash) === undefined) misses.push(node);
      else {
        stats.cached++;
        link(node);
      }
    }
    for (const batch of parseInBatches(misses, (node) => join(workspaceRoot, node.path))) {
      const linked = batch.then((parsed) => {
        for (const [node, { contentHash, parse }] of parsed) {
          if (contentHash === undefined) {
            // Gone (or unreadable) by the time it was read; a hashed node had been counted.
            if (nodes.delete(node.path)) stats.files--;
            missing.push(node.path);
            continue;
          }
          // The hash of the content that was parsed, in case the file changed since it was read.
          node.contentHash = contentHash;
          if (!nodes.has(node.path)) {
            nodes.set(node.path, node);
            stats.files++;
          }
          stats.parsed++;
          cache.set(contentHash, parse);
          link(node);
        }
      });
      const tracked = linked.finally(() => inFlight.delete(tracked));
      // The loop's race sees a failure; this keeps the batches still in flight from reporting it
      // again as unhandled.
      tracked.catch(() => undefined);
      inFlight.add(tracked);
    }
  }
  missing.sort();
  // Sorted, so that the graph does not depend on which parse batch came back first.
  const sorted = new Map([...nodes.keys()].sort().map((path) => [path, nodes.get(path)!]));
  return { nodes: sorted, missing, stats };
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
