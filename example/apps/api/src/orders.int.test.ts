import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApiDatabase } from './testing/database.js';
import { json, startDatabaseTestServer, type DatabaseTestServer } from './testing/test-server.js';

describe('orders over HTTP, stored in Postgres (@shardwise/db)', () => {
  const db = useApiDatabase();
  let server: DatabaseTestServer;

  beforeAll(async () => {
    server = await startDatabaseTestServer(db.url);
  });

  afterAll(() => server.close());

  it('places, reads and cancels an order', async () => {
    const created = await server.post('/orders', {
      lines: [
        { sku: 'KB-01', quantity: 1 },
        { sku: 'CB-03', quantity: 10 },
      ],
      coupon: 'SAVE10',
    });
    expect(created.status).toBe(201);
    const order = await json(created);
    expect(created.headers.get('location')).toBe(`/orders/${order.id}`);
    expect(order).toMatchObject({
      status: 'placed',
      subtotal: { amount: 17440, currency: 'EUR' },
      discount: { amount: 1744 },
      tax: { amount: 3139 },
      total: { amount: 18835 },
    });

    const read = await server.get(`/orders/${order.id}`);
    expect(await json(read)).toEqual(order);

    const cancelled = await server.post(`/orders/${order.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(await json(cancelled)).toMatchObject({ id: order.id, status: 'cancelled' });
    expect(await json(await server.get('/products/KB-01'))).toMatchObject({ stock: 25 });
  });

  it('refuses to cancel twice', async () => {
    const order = await json(
      await server.post('/orders', { lines: [{ sku: 'MS-02', quantity: 1 }] }),
    );
    expect((await server.post(`/orders/${order.id}/cancel`)).status).toBe(200);
    const again = await server.post(`/orders/${order.id}/cancel`);
    expect(again.status).toBe(409);
  });

  it('answers 404 for an unknown order', async () => {
    const response = await server.get('/orders/ord_unknown');
    expect(response.status).toBe(404);
    expect(await json(response)).toMatchObject({ error: { code: 'not_found' } });
  });
});
