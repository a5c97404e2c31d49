/**
 * Lists every file of the workspace once (fast-glob), relative and POSIX, sorted. Every later
 * stage (projects, test files, non-code inputs) works from this list instead of touching the disk
 * again.
 */
import fg from 'fast-glob';
import { ALWAYS_IGNORED } from '../config/defaults';

export function scanWorkspace(workspaceRoot: string, ignore: readonly string[] = []): string[] {
  const files = fg.sync('**/*', {
    cwd: workspaceRoot,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    ignore: [...ALWAYS_IGNORED, ...ignore],
  });
  return files.sort();
}
