import { describe, expect, it } from '@jest/globals';
import { release, reserve } from './inventory.js';

const stock = new Map([
  ['A', 5],
  ['B', 1],
]);

describe('reserve', () => {
  it('takes quantities from stock without touching the input', () => {
    const result = reserve(stock, [{ sku: 'A', quantity: 2 }]);
    expect(result).toEqual({
      ok: true,
      stock: new Map([
        ['A', 3],
        ['B', 1],
      ]),
    });
    expect(stock.get('A')).toBe(5);
  });

  it('reserves all or nothing and lists every shortage', () => {
    const result = reserve(stock, [
      { sku: 'A', quantity: 1 },
      { sku: 'B', quantity: 2 },
      { sku: 'C', quantity: 1 },
    ]);
    expect(result).toEqual({
      ok: false,
      shortages: [
        { sku: 'B', requested: 2, available: 1 },
        { sku: 'C', requested: 1, available: 0 },
      ],
    });
  });
});

describe('release', () => {
  it('puts quantities back', () => {
    expect(
      release(stock, [
        { sku: 'B', quantity: 4 },
        { sku: 'C', quantity: 1 },
      ]),
    ).toEqual(
      new Map([
        ['A', 5],
        ['B', 5],
        ['C', 1],
      ]),
    );
  });
});
