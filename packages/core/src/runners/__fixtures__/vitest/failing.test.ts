import { describe, expect, it } from 'vitest';

describe('failing', () => {
  it('passes first', () => {
    expect(true).toBe(true);
  });

  it('fails an assertion', () => {
    expect(1 + 1).toBe(3);
  });
});
