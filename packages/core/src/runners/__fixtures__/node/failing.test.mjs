import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

describe('failing', () => {
  it('passes first', () => {
    assert.ok(true);
  });

  it('fails an assertion', () => {
    assert.equal(1 + 1, 3);
  });
});
