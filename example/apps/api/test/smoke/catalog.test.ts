import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestServer, type TestServer } from '../../src/testing/test-server.js';

describe('smoke: catalog and checkout', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(() => server.close());

  it('lists products', async () => {
    const page = await json(await server.get('/products'));
    expect(page.total).toBeGreaterThan(0);
    expect(page.items[0]).toEqual(
      expect.objectContaining({ sku: expect.any(String), price: expect.any(Object) }),
    );
  });

  it('takes an order', async () => {
    const response = await server.post('/orders', { lines: [{ sku: 'MS-02', quantity: 1 }] });
    expect(response.status).toBe(201);
  });
});
