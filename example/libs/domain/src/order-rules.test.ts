import { describe, expect, it } from '@jest/globals';
import { checkOrderRules, MAX_LINES, MAX_QUANTITY_PER_LINE } from './order-rules.js';

describe('checkOrderRules', () => {
  it('accepts a well-formed order', () => {
    expect(
      checkOrderRules([
        { sku: 'A', quantity: 1 },
        { sku: 'B', quantity: 3 },
      ]),
    ).toEqual([]);
  });

  it('rejects an empty order', () => {
    expect(checkOrderRules([]).map((v) => v.code)).toEqual(['empty_order']);
  });

  it('limits the number of lines', () => {
    const lines = Array.from({ length: MAX_LINES + 1 }, (_, i) => ({ sku: `S${i}`, quantity: 1 }));
    expect(checkOrderRules(lines).map((v) => v.code)).toEqual(['too_many_lines']);
  });

  it.each([0, -1, 1.5, MAX_QUANTITY_PER_LINE + 1])('rejects quantity %p', (quantity) => {
    expect(checkOrderRules([{ sku: 'A', quantity }])).toEqual([
      expect.objectContaining({ code: 'invalid_quantity', sku: 'A' }),
    ]);
  });

  it('reports every duplicate sku', () => {
    const violations = checkOrderRules([
      { sku: 'A', quantity: 1 },
      { sku: 'A', quantity: 2 },
      { sku: 'A', quantity: 3 },
    ]);
    expect(violations).toHaveLength(2);
    expect(violations.every((v) => v.code === 'duplicate_sku')).toBe(true);
  });
});
