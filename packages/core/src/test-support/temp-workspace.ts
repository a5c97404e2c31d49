/** Test helper: small workspaces written to a temp folder from a path → content map. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type Tree = Record<string, string>;

export function writeTree(root: string, tree: Tree): void {
  for (const [path, content] of Object.entries(tree)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

const created: string[] = [];

export function tempWorkspace(tree: Tree, prefix = 'shardwise-test-'): string {
  const root = mkdtempSync(join(tmpdir(), prefix));
  created.push(root);
  writeTree(root, tree);
  return root;
}

export function removeTempWorkspaces(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}
