import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProducts } from '../../src/repository/index.js';
import { useApiDatabase } from '../../src/testing/database.js';
import {
  json,
  startDatabaseTestServer,
  type DatabaseTestServer,
} from '../../src/testing/test-server.js';

describe('product catalog over HTTP, read from Postgres (@shardwise/db)', () => {
  const db = useApiDatabase();
  let server: DatabaseTestServer;

  beforeAll(async () => {
    server = await startDatabaseTestServer(db.url);
  });

  afterAll(() => server.close());

  it('pages through the whole catalog', async () => {
    const skus: string[] = [];
    for (let offset = 0; ; offset += 2) {
      const page = await json(await server.get(`/products?limit=2&offset=${offset}`));
      expect(page).toMatchObject({ limit: 2, offset, total: seedProducts.length });
      if (page.items.length === 0) break;
      skus.push(...page.items.map((p: { sku: string }) => p.sku));
    }
    expect(skus).toEqual(seedProducts.map((p) => p.sku).sort());
  });

  it('reads one product with its price in minor units', async () => {
    const response = await server.get('/products/MN-27');
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({
      sku: 'MN-27',
      name: '27" monitor',
      price: { amount: 24900, currency: 'EUR' },
      stock: 8,
    });
  });
});
