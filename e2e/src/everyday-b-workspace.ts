/**
 * Support for the everyday-b e2e suites (watch, root runner configs, API and hooks): small
 * workspaces under the repository's ignored `tmp/e2e/`, so the real Jest 30 and Vitest 4 of the
 * repository's node_modules resolve from them, and the freshly built `@shardwise/core` (its
 * `dist/`, built once per test process) instead of a packed copy, which keeps these suites fast.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot } from './packed';

export const CORE_DIST = join(repoRoot, 'packages/core/dist');
export const CLI = join(CORE_DIST, 'cli/main.js');

let built = false;

/** `tsc -b packages/core`, once per test process. */
export function buildCore(): void {
  if (built) return;
  execFileSync(join(repoRoot, 'node_modules/.bin/tsc'), ['-b', 'packages/core'], {
    cwd: repoRoot,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  built = true;
}

/** A fresh folder under `<repo>/tmp/e2e/` holding `files`. */
export function writeWorkspace(prefix: string, files: Record<string, string>): string {
  const parent = join(repoRoot, 'tmp', 'e2e');
  mkdirSync(parent, { recursive: true });
  const root = mkdtempSync(join(parent, `${prefix}-`));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** PIDs of every live process whose environment names this workspace root (Linux /proc). */
export function processesMentioning(marker: string): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.includes(marker))
    .map((line) => Number(line.split(/\s+/)[0]))
    .filter((pid) => Number.isInteger(pid) && pid !== process.pid);
}
