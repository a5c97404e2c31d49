import { money } from '@example/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryRepository } from '../repository/index.js';
import { productHandlers } from './products.js';

const products = ['C', 'A', 'B'].map((letter) => ({
  sku: `${letter}${letter}-01`,
  name: `Product ${letter}`,
  price: money(100),
  stock: 1,
}));
const handlers = productHandlers(new InMemoryRepository({ products }));
const context = (query = '', params = {}) => ({
  params,
  query: new URLSearchParams(query),
  body: undefined,
});

describe('product handlers', () => {
  it('lists products by sku, one page at a time', async () => {
    const result = await handlers.list(context('limit=2&offset=1'));
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ total: 3, limit: 2, offset: 1 });
    expect((result.body as { items: { sku: string }[] }).items.map((p) => p.sku)).toEqual([
      'BB-01',
      'CC-01',
    ]);
  });

  it('rejects a bad page before reading the store', async () => {
    await expect(handlers.list(context('limit=1000'))).rejects.toMatchObject({ status: 422 });
  });

  it('returns one product by sku', async () => {
    const result = await handlers.get(context('', { sku: 'AA-01' }));
    expect(result).toEqual({ status: 200, body: products[1] });
  });

  it('answers 404 for an unknown sku', async () => {
    await expect(handlers.get(context('', { sku: 'ZZ-99' }))).rejects.toMatchObject({
      status: 404,
      message: 'No product ZZ-99',
    });
  });
});
