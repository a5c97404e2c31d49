import { describe, expect, it } from '@jest/globals';
import { checkout, type CheckoutContext } from './checkout.js';
import { createIdGenerator, isId } from './ids.js';
import { format, money } from './money.js';
import type { Product } from './types.js';

const products: Product[] = [
  { sku: 'KB-01', name: 'Keyboard', price: money(4999), stock: 12 },
  { sku: 'MS-02', name: 'Mouse', price: money(1999), stock: 60 },
  { sku: 'CB-03', name: 'USB-C cable', price: money(899), stock: 0 },
];

function context(overrides: Partial<CheckoutContext> = {}): CheckoutContext {
  return {
    catalog: new Map(products.map((p) => [p.sku, p])),
    newId: createIdGenerator('ord'),
    now: () => new Date('2024-05-01T12:00:00.000Z'),
    taxRate: 0.2,
    ...overrides,
  };
}

describe('checkout', () => {
  it('prices, discounts, taxes and reserves a valid order', () => {
    const result = checkout(
      {
        lines: [
          { sku: 'KB-01', quantity: 1 },
          { sku: 'MS-02', quantity: 10 },
        ],
        coupon: 'save10',
      },
      context(),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.problems));

    const { order, stock } = result;
    expect(isId('ord', order.id)).toBe(true);
    expect(order.lines.map((l) => [l.sku, format(l.total)])).toEqual([
      ['KB-01', '49.99 EUR'],
      ['MS-02', '189.90 EUR'],
    ]);
    expect(format(order.subtotal)).toBe('239.89 EUR');
    expect(format(order.discount)).toBe('23.99 EUR');
    expect(format(order.tax)).toBe('43.18 EUR');
    expect(format(order.total)).toBe('259.08 EUR');
    expect(order).toMatchObject({ status: 'placed', coupon: 'SAVE10' });
    expect(order.createdAt).toBe('2024-05-01T12:00:00.000Z');
    expect(stock.get('KB-01')).toBe(11);
    expect(stock.get('MS-02')).toBe(50);
  });

  it('stops at structural rules before looking at the catalog', () => {
    const result = checkout({ lines: [{ sku: 'NOPE', quantity: 0 }] }, context());
    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ code: 'invalid_quantity', sku: 'NOPE' })],
    });
  });

  it('reports unknown products and bad coupons together', () => {
    const result = checkout({ lines: [{ sku: 'NOPE', quantity: 1 }], coupon: 'FREE' }, context());
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.map((p) => p.code)).toEqual([
      'unknown_product',
      'invalid_coupon',
    ]);
  });

  it('refuses an order the stock cannot cover', () => {
    const result = checkout({ lines: [{ sku: 'CB-03', quantity: 2 }] }, context());
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          code: 'insufficient_stock',
          sku: 'CB-03',
          requested: 2,
          available: 0,
          message: 'Only 0 of CB-03 left',
        },
      ],
    });
  });

  it('uses the injected id generator', () => {
    const result = checkout(
      { lines: [{ sku: 'MS-02', quantity: 1 }] },
      context({ newId: () => 'ord_fixed' }),
    );
    expect(result.ok && result.order.id).toBe('ord_fixed');
  });
});
