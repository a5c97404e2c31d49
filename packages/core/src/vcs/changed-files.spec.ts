import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GitError } from '../errors';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import { changedFilesSince } from './changed-files';

afterAll(removeTempWorkspaces);

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', args, { cwd, stdio: 'ignore' });
}

describe('changedFilesSince', () => {
  it('lists committed, unstaged and untracked changes since the merge base, relative to the workspace', () => {
    const repo = tempWorkspace({
      'ws/a.ts': 'a',
      'ws/b.ts': 'b',
      'outside.txt': 'o',
      '.gitignore': 'ignored.ts\n',
    });
    git(repo, 'init', '-q', '-b', 'main');
    git(repo, '-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.');
    git(repo, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'base');
    git(repo, 'checkout', '-qb', 'feature');
    writeFileSync(join(repo, 'ws/a.ts'), 'a2');
    git(repo, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qam', 'change a');
    writeFileSync(join(repo, 'ws/b.ts'), 'b2');
    writeFileSync(join(repo, 'ws/new.ts'), 'n');
    writeFileSync(join(repo, 'ws/ignored.ts'), 'i');
    writeFileSync(join(repo, 'outside.txt'), 'o2');
    expect(changedFilesSince(join(repo, 'ws'), 'main')).toEqual(['a.ts', 'b.ts', 'new.ts']);
  });

  it('fails with a GitError naming the command for an unknown ref', () => {
    const repo = tempWorkspace({ 'a.ts': 'a' });
    git(repo, 'init', '-q');
    expect(() => changedFilesSince(repo, 'no-such-ref')).toThrow(GitError);
  });
});
