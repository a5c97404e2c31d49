import { expect, test } from 'vitest';

test('finishes in time', () => {
  expect(true).toBe(true);
});

test('exceeds the 200 ms per-test timeout', async () => {
  await new Promise((resolve) => setTimeout(resolve, 2000));
});
