import { describe, expect, it, test } from 'vitest';

describe('math', () => {
  it('adds', () => {
    expect(1 + 1).toBe(2);
  });

  describe('nested', () => {
    it('multiplies', () => {
      expect(2 * 3).toBe(6);
    });
  });
});

test('top level', () => {
  expect('a').toHaveLength(1);
});
