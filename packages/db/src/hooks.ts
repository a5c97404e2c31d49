/** Wires a TestDatabase into a runner's lifecycle hooks; each runner's entry passes its own. */
import { TestDatabase, type TestDatabaseOptions } from './test-database';

type Hook = (fn: () => Promise<void>, timeout?: number) => unknown;

export interface RunnerHooks {
  beforeAll: Hook;
  beforeEach: Hook;
  afterEach: Hook;
  afterAll: Hook;
}

/** PGlite's first start and a schema load can take seconds on a loaded machine. */
export const START_TIMEOUT_MS = 120_000;
const EACH_TIMEOUT_MS = 30_000;

export function registerTestDatabase(
  options: TestDatabaseOptions,
  hooks: RunnerHooks,
): TestDatabase {
  const db = new TestDatabase(options);
  hooks.beforeAll(() => db.start(), START_TIMEOUT_MS);
  hooks.beforeEach(() => db.beforeEach(), EACH_TIMEOUT_MS);
  hooks.afterEach(() => db.afterEach(), EACH_TIMEOUT_MS);
  hooks.afterAll(() => db.stop(), START_TIMEOUT_MS);
  return db;
}
