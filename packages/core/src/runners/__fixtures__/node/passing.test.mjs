import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';

describe('math', () => {
  it('adds', () => {
    assert.equal(1 + 1, 2);
  });

  describe('nested', () => {
    it('multiplies', () => {
      assert.equal(2 * 3, 6);
    });
  });
});

test('top level', () => {
  assert.equal('a'.length, 1);
});
