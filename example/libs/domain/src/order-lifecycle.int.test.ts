import { describe, expect, it } from '@jest/globals';
import { checkout } from './checkout.js';
import { release } from './inventory.js';
import { allocate, sum } from './money.js';
import { index } from './test-support.js';
import type { Product } from './types.js';

describe('order lifecycle', () => {
  const product: Product = {
    sku: 'DSK-9',
    name: 'Desk',
    price: { amount: 19900, currency: 'EUR' },
    stock: 3,
  };
  let counter = 0;
  const ctx = () => ({ newId: () => `ord_${++counter}`, now: () => new Date(0), taxRate: 0.1 });

  it('sells out, refuses, then sells again after a cancellation', () => {
    let catalog = index([product]);
    const first = checkout({ lines: [{ sku: 'DSK-9', quantity: 3 }] }, { ...ctx(), catalog });
    if (!first.ok) throw new Error('first order should pass');
    catalog = index([{ ...product, stock: first.stock.get('DSK-9') ?? 0 }]);

    const refused = checkout({ lines: [{ sku: 'DSK-9', quantity: 1 }] }, { ...ctx(), catalog });
    expect(refused.ok).toBe(false);

    const restocked = release(first.stock, first.order.lines);
    catalog = index([{ ...product, stock: restocked.get('DSK-9') ?? 0 }]);
    const again = checkout({ lines: [{ sku: 'DSK-9', quantity: 2 }] }, { ...ctx(), catalog });
    expect(again.ok && again.stock.get('DSK-9')).toBe(1);
  });

  it('splits an order total into instalments that add back up', () => {
    const result = checkout(
      { lines: [{ sku: 'DSK-9', quantity: 1 }] },
      { ...ctx(), catalog: index([product]) },
    );
    if (!result.ok) throw new Error('order should pass');
    const instalments = allocate(result.order.total, [1, 1, 1]);
    expect(instalments.map((m) => m.amount)).toEqual([7297, 7297, 7296]);
    expect(sum(instalments)).toEqual(result.order.total);
  });
});
