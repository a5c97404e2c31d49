import { describe, expect, it } from 'vitest';
import { InMemoryRepository } from '../repository/index.js';
import { OrderService } from '../services/order-service.js';
import { orderHandlers } from './orders.js';

function setup() {
  let n = 0;
  const service = new OrderService({
    repository: new InMemoryRepository(),
    taxRate: 0,
    newId: () => `ord_${++n}`,
  });
  return orderHandlers(service);
}

const context = (body: unknown, params = {}) => ({ params, query: new URLSearchParams(), body });

describe('order handlers', () => {
  it('creates an order with 201 and its location', async () => {
    const handlers = setup();
    const result = await handlers.create(context({ lines: [{ sku: 'CB-03', quantity: 2 }] }));
    expect(result.status).toBe(201);
    expect(result.headers).toEqual({ location: '/orders/ord_1' });
    expect(result.body).toMatchObject({ id: 'ord_1', total: { amount: 1798, currency: 'EUR' } });
  });

  it('validates the body before placing anything', async () => {
    await expect(setup().create(context({ lines: 'KB-01' }))).rejects.toMatchObject({
      status: 422,
      message: 'Invalid order',
    });
  });

  it('reads and cancels an order by id', async () => {
    const handlers = setup();
    await handlers.create(context({ lines: [{ sku: 'KB-01', quantity: 1 }] }));
    expect((await handlers.get(context(undefined, { id: 'ord_1' }))).body).toMatchObject({
      status: 'placed',
    });
    expect((await handlers.cancel(context(undefined, { id: 'ord_1' }))).body).toMatchObject({
      status: 'cancelled',
    });
  });

  it('answers 404 for an unknown id', async () => {
    await expect(setup().get(context(undefined, { id: 'ord_404' }))).rejects.toMatchObject({
      status: 404,
    });
  });
});
