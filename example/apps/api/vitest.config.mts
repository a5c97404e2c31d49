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
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
  },
});
