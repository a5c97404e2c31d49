import { describe, expect, it } from 'vitest';

describe('later', () => {
  it.skip('is skipped', () => {
    expect(true).toBe(false);
  });

  it.todo('is a todo');

  it.skipIf(true)('is skipped by a condition', () => {});
});

describe.skip('skipped suite', () => {
  it('is skipped with its suite', () => {});
});
