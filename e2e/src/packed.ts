/**
 * E2E support: packs the workspace's packages once per run and installs them into throwaway
 * copies of the example workspace, the way a user gets them from the registry. The copies live
 * under the repository's ignored `tmp/` folder so that the runners the example uses (Jest,
 * Vitest, @swc/jest: the repository's dev dependencies) resolve as they would from a user's
 * own node_modules.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { packWorkspacePackages } from '../../tools/src/pack-packages';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');

let tarballs: Map<string, string> | undefined;

/** Tarballs of the packages, by package name (packed once per test process). */
export function packPackages(): Map<string, string> {
  // The example declares @shardwise/db (its slots serve the API's test database).
  tarballs ??= packWorkspacePackages(mkdtempSync(join(tmpdir(), 'shardwise-pack-')), [
    '@shardwise/core',
    '@shardwise/db',
  ]);
  return tarballs;
}

/** A copy of `example/` with the packed packages installed from their tarballs. */
export function exampleWithPackages(packages: Map<string, string>): string {
  const parent = join(repoRoot, 'tmp', 'e2e');
  mkdirSync(parent, { recursive: true });
  const root = mkdtempSync(join(parent, 'example-'));
  cpSync(join(repoRoot, 'example'), root, {
    recursive: true,
    filter: (source) => !source.includes('/.shardwise') && !source.includes('node_modules'),
  });
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-save', ...packages.values()],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return root;
}

export function writeJson(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function cleanup(...paths: Array<string | undefined>): void {
  for (const path of paths) if (path !== undefined) rmSync(path, { recursive: true, force: true });
}
