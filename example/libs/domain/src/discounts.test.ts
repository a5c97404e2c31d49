import { describe, expect, it } from '@jest/globals';
import { bulkDiscountRate, couponDiscount, parseCoupon } from './discounts.js';
import { money } from './money.js';

describe('parseCoupon', () => {
  it.each([
    ['SAVE10', { code: 'SAVE10', kind: 'percent', percent: 10 }],
    [' save25 ', { code: 'SAVE25', kind: 'percent', percent: 25 }],
    ['FLAT500', { code: 'FLAT500', kind: 'fixed', amount: 500 }],
  ])('reads %p', (code, expected) => {
    expect(parseCoupon(code)).toEqual(expected);
  });

  it.each(['SAVE0', 'SAVE75', 'FLAT0', 'FREE', ''])('rejects %p', (code) => {
    expect(parseCoupon(code)).toBeUndefined();
  });
});

describe('couponDiscount', () => {
  it('takes a percentage off', () => {
    expect(couponDiscount(money(2499), parseCoupon('SAVE10'))).toEqual(money(250));
  });

  it('never discounts more than the subtotal', () => {
    expect(couponDiscount(money(300), parseCoupon('FLAT500'))).toEqual(money(300));
  });

  it('gives nothing without a coupon', () => {
    expect(couponDiscount(money(300), undefined)).toEqual(money(0));
  });
});

describe('bulkDiscountRate', () => {
  it('steps up at 10 and 50 units', () => {
    expect([1, 9, 10, 49, 50, 100].map(bulkDiscountRate)).toEqual([0, 0, 0.05, 0.05, 0.1, 0.1]);
  });
});
