import { defineConfig } from 'vitest/config';

// A short per-test timeout so the slow fixture times out quickly; no cache folder in the tree.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    testTimeout: 200,
    cache: false,
  },
});
