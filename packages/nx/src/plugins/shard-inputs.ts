/**
 * A shard's Nx `inputs`: exactly what can change its result, written compactly. The files of its
 * tests' import closures become `{workspaceRoot}/…` file sets, with a folder glob wherever a
 * closure takes every code file under that folder and one brace set per folder for the rest
 * (`{workspaceRoot}/libs/a/src/{x,y}.ts`: the same files, a third of the bytes, and inference
 * output at scale is mostly these lists); then the project's non-code files, the runner config
 * and setup files with their closures, result-changing env vars, and the third-party packages
 * reached as `externalDependencies`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProjectPlan, WorkspacePlan } from '@shardwise/core';
// The modules themselves, not the package index: inference loads only what planning needs.
import { collectClosure } from '@shardwise/core/dist/graph/closure-hash';
import { CODE_FILE } from '@shardwise/core/dist/graph/parse-imports';
import { packageNameOf } from '@shardwise/core/dist/graph/resolve-module';

export type NxInput = string | { env: string } | { externalDependencies: string[] };

/**
 * For folder compaction: the code files under every folder (recursively), and each code file's
 * enclosing folders, outermost first (worked out once; every shard and union asks again).
 */
export interface FolderIndex {
  codeFilesUnder: Map<string, string[]>;
  foldersOf: Map<string, string[]>;
}

export function indexCodeFolders(files: readonly string[]): FolderIndex {
  const index: FolderIndex = { codeFilesUnder: new Map(), foldersOf: new Map() };
  for (const file of files) {
    if (!CODE_FILE.test(file)) continue;
    const enclosing: string[] = [];
    for (let i = file.indexOf('/'); i !== -1; i = file.indexOf('/', i + 1)) {
      const folder = file.slice(0, i);
      enclosing.push(folder);
      const list = index.codeFilesUnder.get(folder);
      if (list === undefined) index.codeFilesUnder.set(folder, [file]);
      else list.push(file);
    }
    index.foldersOf.set(file, enclosing);
  }
  return index;
}

/**
 * A folder glob pays for itself when the closure holds nearly every code file under the folder:
 * each file it leaves out costs a negation (a full path), each file it takes saves a name.
 */
const MISSING_PER_COVERED = 1 / 4;

/**
 * Files → few file sets with exactly the same code files: a folder glob where the closure holds
 * (nearly) every code file under `dir`, with a `!` negation for each one it does not (Nx applies
 * the negations of `{workspaceRoot}` sets to the whole group); brace sets per folder elsewhere.
 */
export function compactFileSets(
  files: ReadonlySet<string>,
  folders: FolderIndex,
  { negations = true }: { negations?: boolean } = {},
): string[] {
  // Group the code files by the folder they sit in: counting and choosing globs then costs a
  // walk up the folder tree per folder, not per file (closures hold thousands of files).
  const byFolder = new Map<string, { enclosing: string[]; files: string[] }>();
  const single: string[] = [];
  for (const file of files) {
    const enclosing = folders.foldersOf.get(file);
    const folder = enclosing?.at(-1);
    if (enclosing === undefined || folder === undefined) {
      single.push(file); // Not a code file, or at the workspace root.
      continue;
    }
    const group = byFolder.get(folder);
    if (group === undefined) byFolder.set(folder, { enclosing, files: [file] });
    else group.files.push(file);
  }
  const covered = new Map<string, number>();
  for (const { enclosing, files: inFolder } of byFolder.values()) {
    for (const folder of enclosing) {
      covered.set(folder, (covered.get(folder) ?? 0) + inFolder.length);
    }
  }
  const worthGlob = (folder: string): boolean => {
    const taken = covered.get(folder) ?? 0;
    const total = folders.codeFilesUnder.get(folder)?.length ?? 0;
    return taken > 1 && total - taken <= (negations ? taken * MISSING_PER_COVERED : 0);
  };
  const sets = new Set<string>();
  const globbed = new Set<string>();
  for (const { enclosing, files: inFolder } of byFolder.values()) {
    const topmost = enclosing.find(worthGlob);
    if (topmost === undefined) single.push(...inFolder);
    else globbed.add(topmost);
  }
  const missing: string[] = [];
  for (const folder of globbed) {
    sets.add(`{workspaceRoot}/${escapeGlob(folder)}/**/*`);
    for (const file of folders.codeFilesUnder.get(folder) ?? []) {
      if (!files.has(file)) missing.push(file);
    }
  }
  for (const set of braceSets(single)) sets.add(set);
  return [...[...sets].sort(), ...braceSets(missing).map((set) => `!${set}`)];
}

/** Characters a glob reads as syntax; a backslash makes Nx's glob (and picomatch) take them as text. */
const GLOB_SYNTAX = /[[\]{}()*?\\]/g;

/** A workspace path as a glob that matches exactly that path. */
export function escapeGlob(path: string): string {
  return path.replace(GLOB_SYNTAX, (c) => `\\${c}`);
}

/** A name that cannot go inside a brace set (a comma would split it; `!` could negate). */
const NOT_IN_BRACES = /[,!]/;

/** Files grouped per folder as `{workspaceRoot}/dir/{a,b}.ts` (Nx's globs expand braces). */
export function braceSets(files: readonly string[]): string[] {
  const byFolder = new Map<string, string[]>();
  const out: string[] = [];
  for (const file of files) {
    const slash = file.lastIndexOf('/');
    const name = file.slice(slash + 1);
    if (NOT_IN_BRACES.test(name)) {
      out.push(`{workspaceRoot}/${escapeGlob(file)}`);
      continue;
    }
    const folder = slash === -1 ? '' : file.slice(0, slash + 1);
    const names = byFolder.get(folder);
    if (names === undefined) byFolder.set(folder, [name]);
    else names.push(name);
  }
  for (const [rawFolder, rawNames] of byFolder) {
    const folder = escapeGlob(rawFolder);
    const names = rawNames.map(escapeGlob);
    if (names.length === 1) {
      out.push(`{workspaceRoot}/${folder}${names[0]}`);
      continue;
    }
    names.sort();
    const dot = names[0]!.lastIndexOf('.');
    const extension = dot > 0 ? names[0]!.slice(dot) : '';
    const shared =
      extension !== '' && names.every((n) => n.endsWith(extension) && n.length > extension.length);
    const stems = shared ? names.map((n) => n.slice(0, -extension.length)) : names;
    out.push(`{workspaceRoot}/${folder}{${stems.join(',')}}${shared ? extension : ''}`);
  }
  return out.sort();
}

const CODE_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

export interface ShardInputsContext {
  plan: WorkspacePlan;
  project: ProjectPlan;
  categoryName: string;
  folders: FolderIndex;
  /** Package names Nx knows as external nodes (installed at the workspace root). */
  isKnownPackage: (name: string) => boolean;
}

/** What a shard's inputs are made of, kept apart so that unions stay exact and compact. */
export interface InputParts {
  /** Workspace-relative files of the closures (tests, sources, runner config and setup). */
  files: Set<string>;
  /** `{projectRoot}` file sets (positive), and the negations that apply when no part is wide. */
  projectSets: Set<string>;
  negations: Set<string>;
  /** A wide file takes the whole project: no negation may narrow the union then. */
  wide: boolean;
  /**
   * Whether the closure's folder globs may carry negations. Not for a project at the workspace
   * root: its project sets are `{workspaceRoot}` sets too, and Nx applies a group's negations to
   * every set in it, so a negation could drop a file the whole-project set must keep.
   */
  folderNegations: boolean;
  env: Set<string>;
  externals: Set<string>;
}

export function shardInputParts(files: readonly string[], context: ShardInputsContext): InputParts {
  const { plan, project } = context;
  const category = project.categories.find((c) => c.name === context.categoryName);
  const reached = collectClosure(plan.graph.nodes, [...files, ...project.sharedInputs]);
  const projectGlob = (glob: string) =>
    project.root === '' ? `{workspaceRoot}/${glob}` : `{projectRoot}/${glob}`;
  const parts: InputParts = {
    files: reached,
    projectSets: new Set(),
    negations: new Set(),
    wide: false,
    folderNegations: project.root !== '',
    env: new Set([...plan.config.env, ...(category?.config.env ?? [])]),
    externals: new Set(),
  };
  const shardFiles = new Set(files);
  parts.wide =
    category?.shards.some((s) =>
      s.files.some((f) => f.wideReasons.length > 0 && shardFiles.has(f.path)),
    ) ?? false;
  if (parts.wide) {
    parts.projectSets.add(projectGlob('**/*'));
  } else if (category?.config.inputs === undefined) {
    // Every non-code file of the project: fixtures, JSON, SQL, snapshots, .env files. At the
    // workspace root the negation would join the `{workspaceRoot}` group and drop every code
    // file of the closures too, so a root project takes all its files.
    parts.projectSets.add(projectGlob('**/*'));
    if (project.root !== '') parts.negations.add(`!${projectGlob(CODE_GLOB)}`);
  } else {
    for (const glob of category.config.inputs) parts.projectSets.add(projectGlob(glob));
  }
  for (const path of reached) {
    for (const id of plan.graph.nodes.get(path)?.externals ?? [])
      parts.externals.add(packageNameOf(id.slice(0, id.lastIndexOf('@')) || id));
  }
  if (project.runner === 'jest' || project.runner === 'vitest') parts.externals.add(project.runner);
  for (const name of [...parts.externals])
    if (!context.isKnownPackage(name)) parts.externals.delete(name);
  return parts;
}

/** The Nx `inputs` list for some parts: file sets, then negations, env, externals. */
export function formatInputs(parts: InputParts, folders: FolderIndex): NxInput[] {
  const inputs: NxInput[] = [
    ...compactFileSets(parts.files, folders, { negations: parts.folderNegations }),
    ...[...parts.projectSets].sort(),
  ];
  if (!parts.wide) inputs.push(...[...parts.negations].sort());
  for (const name of [...parts.env].sort()) inputs.push({ env: name });
  if (parts.externals.size > 0) inputs.push({ externalDependencies: [...parts.externals].sort() });
  return inputs;
}

/** The union of several shards' parts: what a parent target must see to be affected exactly. */
export function unionParts(list: readonly InputParts[]): InputParts {
  const union: InputParts = {
    files: new Set(),
    projectSets: new Set(),
    negations: new Set(),
    wide: false,
    folderNegations: list.every((parts) => parts.folderNegations),
    env: new Set(),
    externals: new Set(),
  };
  for (const parts of list) {
    for (const f of parts.files) union.files.add(f);
    for (const p of parts.projectSets) union.projectSets.add(p);
    for (const n of parts.negations) union.negations.add(n);
    for (const e of parts.env) union.env.add(e);
    for (const x of parts.externals) union.externals.add(x);
    union.wide ||= parts.wide;
  }
  return union;
}

/** A package Nx has as an external node: installed at the workspace root. */
export function installedAtRoot(workspaceRoot: string): (name: string) => boolean {
  const memo = new Map<string, boolean>();
  return (name) => {
    let known = memo.get(name);
    if (known === undefined) {
      known = existsSync(join(workspaceRoot, 'node_modules', name, 'package.json'));
      memo.set(name, known);
    }
    return known;
  };
}
