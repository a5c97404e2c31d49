/**
 * Walks the tree once and lists each project's test files, the way core's scan does: folders core
 * never scans are skipped, `ignore` (workspace-relative) applies, a file belongs to its deepest
 * enclosing project and is a test file when its project-relative path matches `testMatch`.
 */
import type { Tree } from '@nx/devkit';
import { ALWAYS_IGNORED, compileGlobs, type ShardwiseConfig } from '@shardwise/core';
import type { ProjectTargets } from '../../lib/find-target-collisions';

// The folder names in core's ALWAYS_IGNORED globs (each is **/<name>/**): the walk never enters them.
const SKIPPED_FOLDERS = new Set(
  ALWAYS_IGNORED.map((glob) => glob.replace(/^\*\*\//, '').replace(/\/\*\*$/, '')),
);

export interface TestFileCensus {
  /** Project name → workspace-relative test file paths, sorted. */
  byProject: Map<string, string[]>;
  /** Test-like files outside every project: the plugin does not run them. */
  outside: string[];
}

function listFiles(tree: Tree, folder: string, out: string[]): void {
  for (const child of tree.children(folder)) {
    const path = folder === '' ? child : `${folder}/${child}`;
    if (tree.isFile(path)) out.push(path);
    else if (!SKIPPED_FOLDERS.has(child)) listFiles(tree, path, out);
  }
}

export function collectTestFiles(
  tree: Tree,
  projects: readonly ProjectTargets[],
  config: Pick<ShardwiseConfig, 'testMatch' | 'ignore'>,
): TestFileCensus {
  const files: string[] = [];
  listFiles(tree, '', files);
  const isIgnored = compileGlobs(config.ignore);
  const isTestFile = compileGlobs(config.testMatch);
  const byRoot = new Map(projects.map((project) => [project.root, project]));
  const byProject = new Map<string, string[]>(projects.map((project) => [project.name, []]));
  const outside: string[] = [];
  for (const file of files.sort()) {
    if (isIgnored(file)) continue;
    const project = findProject(file, byRoot);
    const relative =
      project === undefined || project.root === '' ? file : file.slice(project.root.length + 1);
    if (!isTestFile(relative)) continue;
    if (project === undefined) outside.push(file);
    else byProject.get(project.name)?.push(file);
  }
  return { byProject, outside };
}

function findProject(
  file: string,
  byRoot: ReadonlyMap<string, ProjectTargets>,
): ProjectTargets | undefined {
  let folder = file;
  for (;;) {
    const slash = folder.lastIndexOf('/');
    folder = slash === -1 ? '' : folder.slice(0, slash);
    const project = byRoot.get(folder);
    if (project !== undefined) return project;
    if (folder === '') return undefined;
  }
}

/** A file's path relative to its project's root. */
export function projectRelative(file: string, root: string): string {
  return root === '' ? file : file.slice(root.length + 1);
}
