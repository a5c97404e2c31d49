import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { conflict } from './errors.js';
import { readJsonBody } from './json-body.js';
import { createRequestListener, listen } from './listener.js';
import { sendJson } from './respond.js';

describe('createRequestListener over a real socket', () => {
  /** @type {unknown[]} */
  const unexpected = [];
  /** @type {{ url: string, close: () => Promise<void> }} */
  let server;

  before(async () => {
    const listener = createRequestListener(
      async (req, res) => {
        // Simulates a slow store behind the handler.
        await sleep(50);
        if (req.url === '/echo') return sendJson(res, 200, await readJsonBody(req));
        if (req.url === '/conflict') throw conflict('Already exists', { id: 7 });
        throw new Error('database exploded');
      },
      { onError: (error) => unexpected.push(error) },
    );
    server = await listen(createServer(listener));
  });

  after(() => server.close());

  it('echoes a JSON body', async () => {
    const response = await fetch(`${server.url}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
    });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { hello: 'world' });
  });

  it('renders thrown HttpErrors without reporting them', async () => {
    const response = await fetch(`${server.url}/conflict`);
    assert.equal(response.status, 409);
    assert.deepEqual(await response.json(), {
      error: { code: 'conflict', message: 'Already exists', details: { id: 7 } },
    });
    assert.equal(unexpected.length, 0);
  });

  it('answers 500 for unexpected errors and reports them', async () => {
    const response = await fetch(`${server.url}/boom`);
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), {
      error: { code: 'internal_error', message: 'Internal server error' },
    });
    assert.equal(unexpected.length, 1);
    assert.match(String(unexpected[0]), /database exploded/);
  });

  it('serves concurrent requests', async () => {
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        fetch(`${server.url}/echo`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(i),
        }).then((r) => r.json()),
      ),
    );
    assert.deepEqual(responses, [0, 1, 2, 3, 4, 5, 6, 7]);
  });
});
