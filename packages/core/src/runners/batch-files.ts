/**
 * Path bookkeeping shared by the adapters: runners are given absolute paths and report absolute
 * paths (sometimes resolved through symlinks); results are keyed by workspace-relative POSIX paths.
 */
import { realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { toPosix } from '../util/paths';
import type { BatchInput } from './types';

export function projectRootPath(input: BatchInput): string {
  return resolve(input.workspaceRoot, input.projectRoot);
}

export function absoluteFiles(input: BatchInput): string[] {
  return input.files.map((file) => join(input.workspaceRoot, file));
}

function realpathOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/**
 * Maps a path a runner reported back to the workspace-relative path of the batch file it names,
 * matching both the path as given and its real path.
 */
export function createPathMapper(input: BatchInput): (reported: string) => string {
  const byAbsolute = new Map<string, string>();
  for (const file of input.files) {
    const absolute = resolve(input.workspaceRoot, file);
    byAbsolute.set(absolute, file);
    byAbsolute.set(realpathOrSelf(absolute), file);
  }
  const workspaceRoot = resolve(input.workspaceRoot);
  const realWorkspaceRoot = realpathOrSelf(workspaceRoot);
  return (reported) => {
    const absolute = isAbsolute(reported) ? resolve(reported) : resolve(workspaceRoot, reported);
    const known = byAbsolute.get(absolute) ?? byAbsolute.get(realpathOrSelf(absolute));
    if (known !== undefined) return known;
    const root = absolute.startsWith(realWorkspaceRoot) ? realWorkspaceRoot : workspaceRoot;
    return toPosix(relative(root, absolute));
  };
}
