/**
 * Vitest helper: `const db = useTestDatabase({ schema })` at the top of a test file (or of a
 * describe block) gives every test the schema's clean state. See docs/db.md.
 */
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { registerTestDatabase } from './hooks.js';
import type { TestDatabase, TestDatabaseOptions } from './test-database.js';

export function useTestDatabase(options: TestDatabaseOptions): TestDatabase {
  return registerTestDatabase(options, { beforeAll, beforeEach, afterEach, afterAll });
}
