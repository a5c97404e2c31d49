import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const lib = (name: string) => fileURLToPath(new URL(`../../libs/${name}/src/`, import.meta.url));

export default defineConfig({
  // Outside the project, like Jest's cache: the example has no node_modules of its own.
  cacheDir: join(tmpdir(), 'shardwise-example', 'vite', 'api'),
  resolve: {
    alias: {
      '@example/domain': `${lib('domain')}index.ts`,
      '@example/http-kit': `${lib('http-kit')}index.js`,
    },
  },
  test: {
    environment: 'node',
    // Without Shardwise: one PGlite per Vitest worker for @shardwise/db (under Shardwise the
    // slot serves SHARDWISE_DATABASE_URL and this does nothing).
    globalSetup: [createRequire(import.meta.url).resolve('@shardwise/db/vitest-global-setup')],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
