/**
 * Packs the workspace's publishable packages with `npm pack`, as a user would get them from the
 * registry, for the e2e suites and the benchmarks. Returns the tarball path per package name.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../..');

const TARBALL_PREFIX: Readonly<Record<string, string>> = {
  '@shardwise/core': 'shardwise-core-',
  '@shardwise/nx': 'shardwise-nx-',
  '@shardwise/db': 'shardwise-db-',
};

export function packWorkspacePackages(
  destination: string,
  names: readonly string[],
): Map<string, string> {
  for (const name of names) {
    const built = join(repoRoot, 'packages', name.replace('@shardwise/', ''), 'dist/index.js');
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`npm run build\` first`);
  }
  mkdirSync(destination, { recursive: true });
  execFileSync(
    'npm',
    ['pack', ...names.flatMap((n) => ['--workspace', n]), '--pack-destination', destination],
    {
      cwd: repoRoot,
      // npm lists every packed file on stderr: keep it for a failure only.
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const tarballs = new Map<string, string>();
  for (const name of names) {
    const prefix = TARBALL_PREFIX[name] ?? name;
    const file = readdirSync(destination).find((f) => f.startsWith(prefix) && f.endsWith('.tgz'));
    if (file === undefined) throw new Error(`npm pack wrote no ${prefix}*.tgz`);
    tarballs.set(name, join(destination, file));
  }
  return tarballs;
}
