/**
 * Files changed since a git ref: committed, staged and unstaged changes against the merge base of
 * the ref and HEAD (as `nx affected --base` does), plus untracked files. Paths are relative to
 * the workspace root, which may be a sub-folder of the repository.
 */
import { execFileSync } from 'node:child_process';
import { GitError } from '../errors';

function git(cwd: string, args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new GitError(
      `git ${args.join(' ')} failed in ${cwd}: ${stderr || (error as Error).message}`,
      { cause: error },
    );
  }
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

export function changedFilesSince(workspaceRoot: string, base: string): string[] {
  const mergeBase = git(workspaceRoot, ['merge-base', base, 'HEAD']).trim();
  const changed = lines(
    git(workspaceRoot, ['diff', '--name-only', '--relative', '--no-renames', mergeBase]),
  );
  const untracked = lines(git(workspaceRoot, ['ls-files', '--others', '--exclude-standard']));
  return [...new Set([...changed, ...untracked])].sort();
}
