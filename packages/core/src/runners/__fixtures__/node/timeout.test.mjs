import assert from 'node:assert/strict';
import { test } from 'node:test';

test('finishes in time', () => {
  assert.ok(true);
});

// node:test has no config file: the per-test timeout is the test's own option.
test('exceeds the 200 ms per-test timeout', { timeout: 200 }, async () => {
  await new Promise((resolve) => setTimeout(resolve, 2000));
});
