import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { readJsonBody } from './json-body.js';
import { createRequestListener, listen } from './listener.js';
import { sendJson } from './respond.js';

/**
 * Sends a body in timed pieces with node:http, which (unlike fetch) can stall mid-body.
 *
 * @param {string} url
 * @param {string[]} chunks
 * @param {{ gapMs: number, finish: boolean }} options
 * @returns {Promise<{ status: number, body: any }>}
 */
function trickle(url, chunks, { gapMs, finish }) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('response', async (res) => {
      let text = '';
      for await (const chunk of res) text += chunk;
      resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
      req.destroy();
    });
    req.on('error', reject);
    (async () => {
      for (const chunk of chunks) {
        req.write(chunk);
        await sleep(gapMs);
      }
      if (finish) req.end();
    })().catch(reject);
  });
}

describe('readJsonBody over a real socket', () => {
  /** @type {{ url: string, close: () => Promise<void> }} */
  let server;

  before(async () => {
    const listener = createRequestListener(async (req, res) =>
      sendJson(res, 200, { received: await readJsonBody(req, { timeoutMs: 300 }) }),
    );
    server = await listen(createServer(listener));
  });

  after(() => server.close());

  it('waits for a slow body that arrives in time', async () => {
    const response = await trickle(server.url, ['{"a"', ':', '1}'], { gapMs: 40, finish: true });
    assert.deepEqual(response, { status: 200, body: { received: { a: 1 } } });
  });

  it('answers 408 when the body stalls', async () => {
    const response = await trickle(server.url, ['{"a":'], { gapMs: 0, finish: false });
    assert.equal(response.status, 408);
    assert.equal(response.body.error.code, 'request_timeout');
  });
});
