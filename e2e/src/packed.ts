/**
 * E2E support: packs the workspace's packages once per run and installs them into throwaway
 * workspaces, the way a user gets them from the registry.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../..');

let packDir: string | undefined;

/** Tarballs of the packages, by package name. */
export function packPackages(): Map<string, string> {
  packDir ??= mkdtempSync(join(tmpdir(), 'shardwise-pack-'));
  execFileSync('npm', ['pack', '--workspace', '@shardwise/core', '--pack-destination', packDir], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const tarballs = new Map<string, string>();
  for (const file of readdirSync(packDir)) {
    if (file.startsWith('shardwise-core-')) tarballs.set('@shardwise/core', join(packDir, file));
  }
  return tarballs;
}

/** A copy of `example/` with the packed packages installed from their tarballs. */
export function exampleWithPackages(tarballs: Map<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'shardwise-e2e-'));
  cpSync(join(repoRoot, 'example'), root, {
    recursive: true,
    filter: (source) => !source.includes(`${'/'}.shardwise`) && !source.includes('node_modules'),
  });
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  execFileSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-save', ...tarballs.values()],
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
