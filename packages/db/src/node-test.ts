/**
 * node:test helper: `const db = useTestDatabase({ schema })` at the top of a test file gives
 * every test the schema's clean state.
 */
import { after, afterEach, before, beforeEach } from 'node:test';
import { registerTestDatabase } from './hooks';
import type { TestDatabase, TestDatabaseOptions } from './test-database';

export function useTestDatabase(options: TestDatabaseOptions): TestDatabase {
  const withTimeout =
    (hook: typeof before) =>
    (fn: () => Promise<void>, timeout?: number): unknown =>
      hook(fn, { timeout });
  return registerTestDatabase(options, {
    beforeAll: withTimeout(before),
    beforeEach: withTimeout(beforeEach),
    afterEach: withTimeout(afterEach),
    afterAll: withTimeout(after),
  });
}
