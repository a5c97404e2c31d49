/**
 * The cache folder must be usable before a run starts: its results, history and scratch folders
 * are written during and after the run, and a run that failed there would have run its tests for
 * nothing and ended in an internal error. A folder that cannot be used (a file in the way, no
 * permission, a read-only disk) is a clear error that names it.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ShardwiseError } from '../errors';

const SUBFOLDERS = ['results', 'history', 'tmp'] as const;

export function assertUsableCacheDir(cacheDir: string): void {
  for (const sub of SUBFOLDERS) {
    const dir = join(cacheDir, sub);
    try {
      mkdirSync(dir, { recursive: true });
      const probe = join(dir, `.probe-${process.pid}-${randomBytes(4).toString('hex')}`);
      writeFileSync(probe, '');
      rmSync(probe);
    } catch (error) {
      throw new ShardwiseError(
        'SHARDWISE_CACHE_DIR',
        `the cache folder ${cacheDir} cannot be used (${(error as Error).message}); repair or remove it, or name another with --cache-dir`,
        { exitCode: 2, cause: error },
      );
    }
  }
}
