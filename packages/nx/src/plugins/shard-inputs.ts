/**
 * A shard's Nx `inputs`: exactly what can change its result, written compactly. The files of its
 * tests' import closures become `{workspaceRoot}/…` file sets, with a folder glob wherever a
 * closure takes every code file under that folder; then the project's non-code files, the
 * runner config and setup files with their closures, result-changing env vars, and the third-party
 * packages reached as `externalDependencies`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CODE_FILE,
  collectClosure,
  packageNameOf,
  type ProjectPlan,
  type WorkspacePlan,
} from '@shardwise/core';

export type NxInput = string | { env: string } | { externalDependencies: string[] };

/** Counts of code files under every folder (recursively), for folder compaction. */
export type FolderIndex = Map<string, number>;

export function indexCodeFolders(files: readonly string[]): FolderIndex {
  const counts: FolderIndex = new Map();
  for (const file of files) {
    if (!CODE_FILE.test(file)) continue;
    for (let i = file.indexOf('/'); i !== -1; i = file.indexOf('/', i + 1)) {
      const folder = file.slice(0, i);
      counts.set(folder, (counts.get(folder) ?? 0) + 1);
    }
  }
  return counts;
}

/** Files → the fewest file sets: a folder where every code file under it is included. */
export function compactFileSets(files: ReadonlySet<string>, folders: FolderIndex): string[] {
  const covered = new Map<string, number>();
  for (const file of files) {
    if (!CODE_FILE.test(file)) continue;
    for (let i = file.indexOf('/'); i !== -1; i = file.indexOf('/', i + 1)) {
      const folder = file.slice(0, i);
      covered.set(folder, (covered.get(folder) ?? 0) + 1);
    }
  }
  const full = new Set(
    [...covered].filter(([folder, n]) => folders.get(folder) === n).map(([folder]) => folder),
  );
  const topmostFull = (file: string): string | undefined => {
    for (let i = file.indexOf('/'); i !== -1; i = file.indexOf('/', i + 1)) {
      const folder = file.slice(0, i);
      if (full.has(folder)) return folder;
    }
    return undefined;
  };
  const sets = new Set<string>();
  for (const file of files) {
    const folder = CODE_FILE.test(file) ? topmostFull(file) : undefined;
    sets.add(folder === undefined ? `{workspaceRoot}/${file}` : `{workspaceRoot}/${folder}/**/*`);
  }
  return [...sets].sort();
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

export function shardInputs(files: readonly string[], context: ShardInputsContext): NxInput[] {
  const { plan, project } = context;
  const category = project.categories.find((c) => c.name === context.categoryName);
  const reached = new Set<string>();
  for (const root of [...files, ...project.sharedInputs]) {
    for (const path of collectClosure(plan.graph.nodes, root)) reached.add(path);
  }
  const projectGlob = (glob: string) =>
    project.root === '' ? `{workspaceRoot}/${glob}` : `{projectRoot}/${glob}`;
  const inputs: NxInput[] = compactFileSets(reached, context.folders);
  const wide =
    category?.shards.some((s) =>
      s.files.some((f) => files.includes(f.path) && f.wideReasons.length > 0),
    ) ?? false;
  if (wide) {
    inputs.push(projectGlob('**/*'));
  } else if (category?.config.inputs === undefined) {
    // Every non-code file of the project: fixtures, JSON, SQL, snapshots, .env files.
    inputs.push(projectGlob('**/*'), `!${projectGlob(CODE_GLOB)}`);
  } else {
    inputs.push(...category.config.inputs.map(projectGlob));
  }
  for (const name of [...new Set([...plan.config.env, ...(category?.config.env ?? [])])].sort())
    inputs.push({ env: name });
  const externals = new Set<string>();
  for (const path of reached) {
    for (const id of plan.graph.nodes.get(path)?.externals ?? [])
      externals.add(packageNameOf(id.slice(0, id.lastIndexOf('@')) || id));
  }
  if (project.runner === 'jest' || project.runner === 'vitest') externals.add(project.runner);
  const known = [...externals].filter(context.isKnownPackage).sort();
  if (known.length > 0) inputs.push({ externalDependencies: known });
  return inputs;
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

/** Union of input lists, deduplicated, externals merged, in a stable order. */
export function unionInputs(lists: readonly NxInput[][]): NxInput[] {
  const sets = new Set<string>();
  const env = new Set<string>();
  const externals = new Set<string>();
  for (const list of lists) {
    for (const input of list) {
      if (typeof input === 'string') sets.add(input);
      else if ('env' in input) env.add(input.env);
      else for (const name of input.externalDependencies) externals.add(name);
    }
  }
  const negated = [...sets].filter((s) => s.startsWith('!'));
  const out: NxInput[] = [...[...sets].filter((s) => !s.startsWith('!')).sort(), ...negated.sort()];
  for (const name of [...env].sort()) out.push({ env: name });
  if (externals.size > 0) out.push({ externalDependencies: [...externals].sort() });
  return out;
}
