/**
 * Runner configs at the workspace root that define several projects: a Jest config with a
 * `projects` array, a Vitest config with `test.projects` (or a `vitest.workspace` file, Vitest 3).
 * A project folder without a runner config of its own that such an entry covers runs with the
 * root config, from the root: the runner itself then gives each file its project's setup files,
 * environment and transforms (Jest matches a path to the projects whose testMatch/roots hold it,
 * Vitest to the projects whose include holds it).
 *
 * The config is read statically (swc AST), as the setup files are: string entries are folders or
 * globs of folders; object entries cover the folders their `rootDir`/`roots`/`testMatch` (Jest) or
 * `root`/`test.root`/`test.include` (Vitest) name. An entry that names nothing static covers
 * nothing, and its folders keep their own detection.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseSync } from '@swc/core';
import picomatch from 'picomatch';
import { parseOptionsFor } from '../graph/parse-imports';

export interface RootProjectEntry {
  /** Jest `displayName` / Vitest `test.name`, when given. */
  name: string | undefined;
  /** Workspace-relative folders (or folder globs) the entry covers; '' is the whole workspace. */
  folders: string[];
}

export interface RootRunnerConfig {
  runner: 'jest' | 'vitest';
  /** Workspace-relative config file. */
  configFile: string;
  entries: RootProjectEntry[];
}

const JEST_ROOT = /^jest\.config\.(js|cjs|mjs|ts|cts|mts|json)$/;
const VITEST_ROOT =
  /^(vitest\.config|vite\.config|vitest\.workspace|vitest\.projects)\.(js|cjs|mjs|ts|cts|mts|json)$/;
const GLOB_CHAR = /[*?[\]{}!]/;

type AstNode = Record<string, unknown>;

function stringOf(node: unknown): string | undefined {
  const n = node as AstNode | null;
  if (n === null || typeof n !== 'object') return undefined;
  if (n['type'] === 'StringLiteral' && typeof n['value'] === 'string') return n['value'];
  if (n['type'] === 'TemplateLiteral') {
    const quasis = n['quasis'] as AstNode[] | undefined;
    const expressions = n['expressions'] as unknown[] | undefined;
    if (quasis?.length === 1 && (expressions?.length ?? 0) === 0)
      return (quasis[0]?.['cooked'] ?? quasis[0]?.['raw']) as string | undefined;
  }
  return undefined;
}

function keyOf(property: AstNode): string | undefined {
  const key = property['key'] as AstNode | undefined;
  if (key === undefined) return undefined;
  if (key['type'] === 'Identifier') return key['value'] as string;
  return stringOf(key);
}

/** Unwraps `defineConfig(…)`, `defineProject(…)`, `satisfies`/`as` and parentheses. */
function unwrap(node: unknown): AstNode | undefined {
  let current = node as AstNode | undefined;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const type = current['type'];
    if (type === 'CallExpression') {
      const args = current['arguments'] as Array<{ expression: unknown }> | undefined;
      current = args?.[0]?.expression as AstNode | undefined;
    } else if (
      type === 'ParenthesisExpression' ||
      type === 'TsAsExpression' ||
      type === 'TsSatisfiesExpression' ||
      type === 'TsConstAssertion'
    ) {
      current = current['expression'] as AstNode | undefined;
    } else {
      return current;
    }
  }
  return current;
}

function property(object: AstNode | undefined, name: string): AstNode | undefined {
  if (object?.['type'] !== 'ObjectExpression') return undefined;
  for (const prop of (object['properties'] as AstNode[] | undefined) ?? []) {
    if (prop['type'] === 'KeyValueProperty' && keyOf(prop) === name)
      return unwrap(prop['value']) ?? undefined;
  }
  return undefined;
}

function strings(node: AstNode | undefined): string[] {
  if (node === undefined) return [];
  const single = stringOf(node);
  if (single !== undefined) return [single];
  if (node['type'] !== 'ArrayExpression') return [];
  return ((node['elements'] as Array<{ expression: unknown } | null> | undefined) ?? []).flatMap(
    (element) => {
      const value = element === null ? undefined : stringOf(element.expression);
      return value === undefined ? [] : [value];
    },
  );
}

/** The exported config object: `module.exports = …`, `export default …`, or the root array. */
function exportedValue(module: AstNode): AstNode | undefined {
  for (const item of (module['body'] as AstNode[] | undefined) ?? []) {
    if (item['type'] === 'ExportDefaultExpression') return unwrap(item['expression']);
    if (item['type'] === 'ExpressionStatement') {
      const expression = item['expression'] as AstNode;
      if (expression['type'] !== 'AssignmentExpression') continue;
      const left = expression['left'] as AstNode;
      const object = left['object'] as AstNode | undefined;
      const prop = left['property'] as AstNode | undefined;
      if (object?.['value'] === 'module' && prop?.['value'] === 'exports')
        return unwrap(expression['right']);
    }
  }
  return undefined;
}

/** `<rootDir>/packages/a/**` → `packages/a`: the static folder before any glob character. */
function staticFolder(pattern: string): string {
  const path = pattern.replace(/^<rootDir>\/?/, '').replace(/^\.\//, '');
  const parts = path.split('/');
  const kept: string[] = [];
  for (const part of parts) {
    if (GLOB_CHAR.test(part)) break;
    kept.push(part);
  }
  // A file pattern's last part is a file name, not a folder.
  if (kept.length === parts.length && /\.[a-z]+$/i.test(kept.at(-1) ?? '')) kept.pop();
  return kept.join('/').replace(/\/$/, '');
}

function jestEntry(node: AstNode): RootProjectEntry | undefined {
  const single = stringOf(node);
  if (single !== undefined)
    return { name: undefined, folders: [single.replace(/^<rootDir>\/?|^\.\//g, '')] };
  if (node['type'] !== 'ObjectExpression') return undefined;
  const display = property(node, 'displayName');
  const name = stringOf(display) ?? stringOf(property(display, 'name'));
  const rootDir = stringOf(property(node, 'rootDir'));
  const base = rootDir === undefined ? '' : staticFolder(rootDir);
  const within = (p: string) =>
    p.startsWith('<rootDir>')
      ? [base, staticFolder(p)].filter(Boolean).join('/')
      : staticFolder(p.replace(/^\*\*\//, ''));
  const named = [
    ...strings(property(node, 'roots')).map(within),
    ...strings(property(node, 'testMatch')).map(within),
  ].filter((f) => f !== '');
  const folders = named.length > 0 ? named : rootDir === undefined ? [] : [base];
  return { name, folders: [...new Set(folders)] };
}

function vitestEntry(node: AstNode): RootProjectEntry | undefined {
  const single = stringOf(node);
  if (single !== undefined) return { name: undefined, folders: [single.replace(/^\.\//, '')] };
  if (node['type'] !== 'ObjectExpression') return undefined;
  const test = property(node, 'test');
  const name =
    stringOf(property(test, 'name')) ?? stringOf(property(property(test, 'name'), 'label'));
  const root = stringOf(property(test, 'root')) ?? stringOf(property(node, 'root'));
  const base = root === undefined ? '' : staticFolder(root);
  const include = strings(property(test, 'include')).map((p) =>
    [base, staticFolder(p.replace(/^\*\*\//, ''))].filter(Boolean).join('/'),
  );
  const folders = include.filter((f) => f !== '');
  return { name, folders: folders.length > 0 ? folders : base === '' ? [] : [base] };
}

function readEntries(
  workspaceRoot: string,
  file: string,
  runner: 'jest' | 'vitest',
): RootProjectEntry[] {
  let exported: AstNode | undefined;
  try {
    const text = readFileSync(join(workspaceRoot, file), 'utf8');
    if (file.endsWith('.json')) return [];
    exported = exportedValue(parseSync(text, parseOptionsFor(file)) as unknown as AstNode);
  } catch {
    return [];
  }
  if (exported === undefined) return [];
  // vitest.workspace.*: the default export is the array itself.
  const list =
    exported['type'] === 'ArrayExpression'
      ? exported
      : runner === 'jest'
        ? property(exported, 'projects')
        : (property(property(exported, 'test'), 'projects') ?? property(exported, 'projects'));
  if (list?.['type'] !== 'ArrayExpression') return [];
  const toEntry = runner === 'jest' ? jestEntry : vitestEntry;
  return ((list['elements'] as Array<{ expression: unknown } | null> | undefined) ?? []).flatMap(
    (element) => {
      const node = element === null ? undefined : unwrap(element.expression);
      const entry = node === undefined ? undefined : toEntry(node);
      return entry === undefined || entry.folders.length === 0 ? [] : [entry];
    },
  );
}

/** The root's multi-project runner configs (Jest first, then Vitest), with their entries. */
export function findRootRunnerConfigs(
  workspaceRoot: string,
  files: readonly string[],
): RootRunnerConfig[] {
  const atRoot = files.filter((f) => !f.includes('/'));
  const configs: RootRunnerConfig[] = [];
  for (const [runner, pattern] of [
    ['jest', JEST_ROOT],
    ['vitest', VITEST_ROOT],
  ] as const) {
    for (const configFile of atRoot.filter((f) => pattern.test(f)).sort()) {
      const entries = readEntries(workspaceRoot, configFile, runner);
      if (entries.length > 0) configs.push({ runner, configFile, entries });
    }
  }
  return configs;
}

/** The root config and entry that cover a project folder, if any. */
export function rootConfigFor(
  configs: readonly RootRunnerConfig[],
  projectRoot: string,
): { config: RootRunnerConfig; entry: RootProjectEntry } | undefined {
  if (projectRoot === '') return undefined;
  for (const config of configs) {
    for (const entry of config.entries) {
      const covers = entry.folders.some((folder) => {
        if (folder === '') return true;
        if (GLOB_CHAR.test(folder)) return picomatch(folder)(projectRoot);
        return (
          folder === projectRoot ||
          projectRoot.startsWith(`${folder}/`) ||
          folder.startsWith(`${projectRoot}/`)
        );
      });
      if (covers) return { config, entry };
    }
  }
  return undefined;
}
