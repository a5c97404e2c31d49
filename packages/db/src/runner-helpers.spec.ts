/**
 * The Jest and node:test helpers, run by the real runners without Shardwise: Jest through the
 * package's global setup (one PGlite per Jest worker), node:test with a PGlite of the test
 * process's own. Runs the built package (dist/).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const repoRoot = join(__dirname, '..', '..', '..');
const dist = join(__dirname, '..', 'dist');
const fixtures = join(__dirname, '__fixtures__', 'runners');
const env = {
  ...process.env,
  DB_DIST: dist,
  DB_SCHEMA: join(__dirname, '__fixtures__', 'migrations'),
  SHARDWISE_DATABASE_URL: '',
  SHARDWISE_DATABASE_URLS: '',
  SHARDWISE_PG_ADMIN_URL: '',
};
const RUN_MS = 180_000;

describe('runner helpers without Shardwise', () => {
  it(
    'node:test: isolates tests on the process’s own PGlite',
    () => {
      const result = spawnSync(process.execPath, ['--test', join(fixtures, 'node-test.test.cjs')], {
        encoding: 'utf8',
        env,
        timeout: RUN_MS,
      });
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stdout).toMatch(/# pass 2/);
    },
    RUN_MS,
  );

  it(
    'Jest: the global setup serves a PGlite per worker and the teardown stops it',
    () => {
      const config = {
        rootDir: fixtures,
        testEnvironment: 'node',
        testMatch: ['**/jest.test.cjs'],
        transform: {},
        globalSetup: join(dist, 'jest-global-setup.js'),
        globalTeardown: join(dist, 'jest-global-teardown.js'),
      };
      const result = spawnSync(
        process.execPath,
        [
          join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js'),
          '--config',
          JSON.stringify(config),
          '--maxWorkers=2',
          '--ci',
        ],
        { encoding: 'utf8', env, timeout: RUN_MS },
      );
      expect(result.status, result.stdout + result.stderr).toBe(0);
      expect(result.stderr).toMatch(/Tests:\s+3 passed, 3 total/);
    },
    RUN_MS,
  );
});
