/**
 * Projects, the way Nx infers them: a folder with `project.json` or `package.json` is a project.
 * The workspace root is a project only when it has a `project.json`, or when no other project
 * exists (a single-package repository). Each file belongs to its deepest enclosing project.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirnamePosix } from '../util/paths';

export interface Project {
  name: string;
  /** Workspace-relative root, '' for the workspace root. */
  root: string;
  /** Name of the npm package, when the project has a package.json with one. */
  packageName: string | undefined;
  packageJson: Record<string, unknown> | undefined;
}

function readJsonObject(path: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function findProjects(workspaceRoot: string, files: readonly string[]): Project[] {
  const roots = new Set<string>();
  for (const file of files) {
    const base = file.slice(file.lastIndexOf('/') + 1);
    if (base === 'project.json' || base === 'package.json') roots.add(dirnamePosix(file));
  }
  const rootHasProjectJson = files.includes('project.json');
  if (!rootHasProjectJson && roots.size > 1) roots.delete('');
  const projects: Project[] = [];
  for (const root of [...roots].sort()) {
    const projectJson = readJsonObject(join(workspaceRoot, root, 'project.json'));
    const packageJson = readJsonObject(join(workspaceRoot, root, 'package.json'));
    const packageName = typeof packageJson?.['name'] === 'string' ? packageJson['name'] : undefined;
    const declared = typeof projectJson?.['name'] === 'string' ? projectJson['name'] : packageName;
    projects.push({
      name: declared ?? (root === '' ? 'root' : root.replaceAll('/', '-')),
      root,
      packageName,
      packageJson,
    });
  }
  return projects;
}

/** Maps a file to its deepest enclosing project, or undefined for workspace-level files. */
export function createProjectLocator(
  projects: readonly Project[],
): (file: string) => Project | undefined {
  const byRoot = new Map(projects.map((p) => [p.root, p]));
  return (file) => {
    let folder = dirnamePosix(file);
    for (;;) {
      const project = byRoot.get(folder);
      if (project !== undefined) return project;
      if (folder === '') return undefined;
      folder = dirnamePosix(folder);
    }
  };
}
