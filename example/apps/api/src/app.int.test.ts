import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from './logger.js';
import { json, startTestServer, type TestServer } from './testing/test-server.js';

vi.mock('./logger.js', () => ({ logger: { info: vi.fn(), error: vi.fn() } }));

describe('app routing over HTTP', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(() => server.close());

  it('answers 404 in the error envelope for unknown routes', async () => {
    const response = await server.get('/customers');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await json(response)).toEqual({
      error: { code: 'not_found', message: 'No route for GET /customers' },
    });
  });

  it('answers 405 with an Allow header for a known path', async () => {
    const response = await fetch(`${server.url}/orders`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('hides unexpected errors behind a 500 and logs them', async () => {
    vi.spyOn(server.repository, 'getProduct').mockRejectedValueOnce(new Error('disk on fire'));
    const response = await server.get('/products/KB-01');
    expect(response.status).toBe(500);
    expect(await json(response)).toEqual({
      error: { code: 'internal_error', message: 'Internal server error' },
    });
    expect(logger.error).toHaveBeenCalledWith(
      'Unhandled error',
      expect.objectContaining({ method: 'GET', url: '/products/KB-01' }),
    );
  });
});
