import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestServer, type TestServer } from '../../src/testing/test-server.js';

describe('request errors over HTTP', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ bodyLimitBytes: 1024 });
  });

  afterAll(() => server.close());

  const send = (body: string, contentType = 'application/json') =>
    fetch(`${server.url}/orders`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });

  it('answers 400 for malformed JSON', async () => {
    const response = await send('{"lines": [');
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await send('lines=KB-01', 'application/x-www-form-urlencoded');
    expect(response.status).toBe(415);
  });

  it('answers 413 for a body over the limit', async () => {
    const lines = Array.from({ length: 100 }, () => ({ sku: 'KB-01', quantity: 1 }));
    const response = await send(JSON.stringify({ lines }));
    expect(response.status).toBe(413);
  });

  it('answers 422 with the path of every invalid field', async () => {
    const response = await send(JSON.stringify({ lines: [{ sku: 'KB-01', quantity: 'two' }] }));
    expect(response.status).toBe(422);
    expect(await json(response)).toEqual({
      error: {
        code: 'validation_failed',
        message: 'Invalid order',
        details: [{ path: 'lines[0].quantity', message: 'Expected a whole number' }],
      },
    });
  });

  it('answers 422 when the domain rules refuse the order', async () => {
    const response = await send(JSON.stringify({ lines: [] }));
    expect(response.status).toBe(422);
    expect(await json(response)).toMatchObject({
      error: { message: 'Order cannot be placed', details: [{ code: 'empty_order' }] },
    });
  });

  it('answers 422 for a bad page', async () => {
    expect((await server.get('/products?limit=0')).status).toBe(422);
  });
});
