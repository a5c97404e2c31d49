/** Jest `globalTeardown` entry: stops what `@shardwise/db/jest-global-setup` started. */
const TEARDOWN = Symbol.for('@shardwise/db teardown');

export = async function globalTeardown(): Promise<void> {
  const teardown = (globalThis as Record<symbol, unknown>)[TEARDOWN] as
    (() => Promise<void>) | undefined;
  delete (globalThis as Record<symbol, unknown>)[TEARDOWN];
  await teardown?.();
};
