import { describe, expect, it } from '@jest/globals';
import { parseCoupon } from './discounts.js';
import { money } from './money.js';
import { lineTotal, priceLines } from './pricing.js';

describe('lineTotal', () => {
  it('multiplies the unit price by the quantity', () => {
    expect(lineTotal({ unitPrice: money(1250), quantity: 3 })).toEqual(money(3750));
  });

  it('applies the volume discount', () => {
    expect(lineTotal({ unitPrice: money(100), quantity: 10 })).toEqual(money(950));
    expect(lineTotal({ unitPrice: money(100), quantity: 50 })).toEqual(money(4500));
  });
});

describe('priceLines', () => {
  const lines = [
    { unitPrice: money(1000), quantity: 2 },
    { unitPrice: money(499), quantity: 1 },
  ];

  it('adds the lines up', () => {
    expect(priceLines(lines)).toEqual({
      subtotal: money(2499),
      discount: money(0),
      tax: money(0),
      total: money(2499),
    });
  });

  it('taxes the amount left after the coupon', () => {
    const breakdown = priceLines(lines, { taxRate: 0.2, coupon: parseCoupon('SAVE10') });
    expect(breakdown.discount).toEqual(money(250));
    expect(breakdown.tax).toEqual(money(450));
    expect(breakdown.total).toEqual(money(2699));
  });

  it('prices an empty order at zero in the requested currency', () => {
    expect(priceLines([], { currency: 'GBP' }).total).toEqual(money(0, 'GBP'));
  });

  it('rejects a tax rate outside 0..1', () => {
    expect(() => priceLines(lines, { taxRate: 20 })).toThrow('taxRate must be within 0..1');
  });
});
