import { money, type Order } from '@example/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryRepository } from './in-memory.js';
import { seedProducts } from './seed.js';

const order: Order = {
  id: 'ord_1',
  status: 'placed',
  lines: [],
  subtotal: money(0),
  discount: money(0),
  tax: money(0),
  total: money(0),
  createdAt: '2024-01-01T00:00:00.000Z',
};

describe('InMemoryRepository', () => {
  it('starts with the seed catalog, sorted by sku', async () => {
    const page = await new InMemoryRepository().listProducts({ limit: 100, offset: 0 });
    expect(page.total).toBe(seedProducts.length);
    expect(page.items.map((p) => p.sku)).toEqual(seedProducts.map((p) => p.sku).sort());
  });

  it('looks products up by sku, skipping unknown ones', async () => {
    const found = await new InMemoryRepository().getProducts(['KB-01', 'XX-00']);
    expect([...found.keys()]).toEqual(['KB-01']);
  });

  it('updates stock levels and refuses unknown products', async () => {
    const repository = new InMemoryRepository();
    await repository.setStock(new Map([['KB-01', 3]]));
    expect((await repository.getProduct('KB-01'))?.stock).toBe(3);
    await expect(repository.setStock(new Map([['XX-00', 1]]))).rejects.toThrow('no product XX-00');
  });

  it('saves and reads orders', async () => {
    const repository = new InMemoryRepository();
    await repository.saveOrder(order);
    expect(await repository.getOrder('ord_1')).toEqual(order);
    expect(await repository.getOrder('ord_2')).toBeUndefined();
  });

  it('rolls a failed transaction back', async () => {
    const repository = new InMemoryRepository();
    await expect(
      repository.transaction(async (tx) => {
        await tx.saveOrder(order);
        await tx.setStock(new Map([['KB-01', 0]]));
        throw new Error('payment declined');
      }),
    ).rejects.toThrow('payment declined');
    expect(await repository.getOrder('ord_1')).toBeUndefined();
    expect((await repository.getProduct('KB-01'))?.stock).toBe(25);
  });

  it('runs transactions one at a time, even with latency', async () => {
    const repository = new InMemoryRepository({ latencyMs: 20 });
    const events: string[] = [];
    const work = (name: string) =>
      repository.transaction(async (tx) => {
        events.push(`${name}:start`);
        await tx.ping();
        await tx.ping();
        events.push(`${name}:end`);
      });
    await Promise.all([work('a'), work('b'), work('c')]);
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
  });
});
