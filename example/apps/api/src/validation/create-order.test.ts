import { HttpError } from '@example/http-kit';
import { describe, expect, it } from 'vitest';
import { validateCreateOrder } from './create-order.js';

function issuesOf(body: unknown) {
  try {
    validateCreateOrder(body);
  } catch (error) {
    if (error instanceof HttpError) return error.details;
    throw error;
  }
  throw new Error('expected a validation error');
}

describe('validateCreateOrder', () => {
  it('returns the lines and coupon of a valid body', () => {
    const body = { lines: [{ sku: 'KB-01', quantity: 2 }], coupon: 'SAVE10' };
    expect(validateCreateOrder(body)).toEqual(body);
    expect(validateCreateOrder({ lines: [] })).toEqual({ lines: [] });
  });

  it('rejects anything but an object with 422', () => {
    for (const body of [undefined, null, [], 'order']) {
      expect(() => validateCreateOrder(body)).toThrow(expect.objectContaining({ status: 422 }));
    }
  });

  it('reports every issue with its path', () => {
    expect(
      issuesOf({
        lines: [{ sku: 'kb-01', quantity: 1 }, 'KB-01', { sku: 'MS-02', quantity: '3' }],
        coupon: 10,
        note: 'leave at the door',
      }),
    ).toEqual([
      { path: 'note', message: 'Unknown field' },
      { path: 'lines[0].sku', message: 'Expected a SKU such as "KB-01"' },
      { path: 'lines[1]', message: 'Expected an object' },
      { path: 'lines[2].quantity', message: 'Expected a whole number' },
      { path: 'coupon', message: 'Expected a string' },
    ]);
  });

  it('requires lines', () => {
    expect(issuesOf({})).toEqual([{ path: 'lines', message: 'Expected an array' }]);
  });
});
