import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useApiDatabase } from '../../src/testing/database.js';
import {
  json,
  startDatabaseTestServer,
  type DatabaseTestServer,
} from '../../src/testing/test-server.js';

describe('inventory under concurrent orders, on Postgres through a pool of four', () => {
  const db = useApiDatabase();
  let server: DatabaseTestServer;

  beforeAll(async () => {
    server = await startDatabaseTestServer(db.url);
  });

  afterAll(() => server.close());

  it('never sells more than the stock', async () => {
    // MN-27 starts with 8 in stock; 12 buyers race for 1 each.
    const statuses = await Promise.all(
      Array.from({ length: 12 }, () =>
        server.post('/orders', { lines: [{ sku: 'MN-27', quantity: 1 }] }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(8);
    expect(statuses.filter((s) => s === 409)).toHaveLength(4);
    expect(await json(await server.get('/products/MN-27'))).toMatchObject({ stock: 0 });
  });

  it('takes every line of an order or none', async () => {
    const response = await server.post('/orders', {
      lines: [
        { sku: 'DK-05', quantity: 2 },
        { sku: 'HS-04', quantity: 1 },
      ],
    });
    expect(response.status).toBe(409);
    expect(await json(response)).toMatchObject({
      error: { code: 'conflict', details: [{ sku: 'HS-04', requested: 1, available: 0 }] },
    });
    expect(await json(await server.get('/products/DK-05'))).toMatchObject({ stock: 14 });
  });
});
