/**
 * Jest helper: `const db = useTestDatabase({ schema })` at the top of a test file (or of a
 * describe block) gives every test the schema's clean state. Uses Jest's injected globals.
 */
import { registerTestDatabase, type RunnerHooks } from './hooks';
import type { TestDatabase, TestDatabaseOptions } from './test-database';

export function useTestDatabase(options: TestDatabaseOptions): TestDatabase {
  const jestGlobals = globalThis as unknown as Partial<RunnerHooks>;
  const { beforeAll, beforeEach, afterEach, afterAll } = jestGlobals;
  if (!beforeAll || !beforeEach || !afterEach || !afterAll)
    throw new Error(
      '@shardwise/db/jest: Jest globals are missing (injectGlobals: false?); call registerTestDatabase from @shardwise/db with the hooks of @jest/globals',
    );
  return registerTestDatabase(options, { beforeAll, beforeEach, afterEach, afterAll });
}
