import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['src/**/*.fault.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    pool: 'forks',
    // Faults kill processes and count what is left: one file at a time, so counts are exact.
    fileParallelism: false,
  },
});
