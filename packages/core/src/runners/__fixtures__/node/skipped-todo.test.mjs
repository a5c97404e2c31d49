import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

describe('later', () => {
  it.skip('is skipped', () => {
    assert.fail('never runs');
  });

  it.todo('is a todo');

  it('is skipped at run time', (t) => {
    t.skip('not today');
  });
});

describe.skip('skipped suite', () => {
  it('is skipped with its suite', () => {});
});
