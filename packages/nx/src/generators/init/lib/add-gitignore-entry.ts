import type { Tree } from '@nx/devkit';

const ENTRY = '.shardwise';
const SAME_ENTRY = new Set(['.shardwise', '.shardwise/', '/.shardwise', '/.shardwise/']);

/** Adds `.shardwise` (cache and reports) to the root .gitignore, creating it if needed; idempotent. */
export function addGitignoreEntry(tree: Tree): boolean {
  const current = tree.exists('.gitignore') ? (tree.read('.gitignore', 'utf-8') ?? '') : '';
  if (current.split(/\r?\n/).some((line) => SAME_ENTRY.has(line.trim()))) return false;
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  tree.write('.gitignore', `${current}${separator}${ENTRY}\n`);
  return true;
}
