import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { readJsonBody } from './json-body.js';

/**
 * @param {string[]} chunks
 * @param {Record<string, string>} [headers]
 */
function request(chunks, headers = { 'content-type': 'application/json' }) {
  return Object.assign(Readable.from(chunks.map((c) => Buffer.from(c))), { headers });
}

describe('readJsonBody', () => {
  it('parses a body that arrives in pieces', async () => {
    const body = await readJsonBody(request(['{"sku":', '"KB-01",', '"quantity":2}']));
    assert.deepEqual(body, { sku: 'KB-01', quantity: 2 });
  });

  it('gives undefined for an empty body', async () => {
    assert.equal(await readJsonBody(request([])), undefined);
  });

  it('accepts JSON media types with parameters and suffixes', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/problem+json']) {
      assert.deepEqual(await readJsonBody(request(['[1]'], { 'content-type': type })), [1]);
    }
  });

  it('rejects other content types with 415', async () => {
    await assert.rejects(readJsonBody(request(['a=1'], { 'content-type': 'text/plain' })), {
      status: 415,
      code: 'unsupported_media_type',
    });
  });

  it('rejects malformed JSON with 400 and the parser reason', async () => {
    await assert.rejects(readJsonBody(request(['{"sku": '])), (error) => {
      assert.equal(/** @type {any} */ (error).status, 400);
      assert.match(/** @type {any} */ (error).details.reason, /JSON/);
      return true;
    });
  });

  it('rejects a body over the limit while it streams', async () => {
    const chunks = Array.from({ length: 10 }, () => 'x'.repeat(100));
    await assert.rejects(readJsonBody(request(chunks), { limitBytes: 512 }), { status: 413 });
  });

  it('rejects a declared length over the limit before reading', async () => {
    const req = request(['{}'], { 'content-type': 'application/json', 'content-length': '9999' });
    await assert.rejects(readJsonBody(req, { limitBytes: 100 }), { code: 'payload_too_large' });
  });
});
