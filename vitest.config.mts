import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.spec.ts', 'tools/src/**/*.spec.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
