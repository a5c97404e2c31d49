import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, startTestServer, type TestServer } from './testing/test-server.js';

describe('smoke: GET /health', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(() => server.close());

  it('reports ok', async () => {
    const response = await server.get('/health');
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: 'ok', checks: { repository: 'ok' } });
  });
});
