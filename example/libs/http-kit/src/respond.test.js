import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { badRequest, methodNotAllowed, payloadTooLarge } from './errors.js';
import { sendEmpty, sendError, sendJson, toHttpError } from './respond.js';

/** Records what a handler writes, in place of a `ServerResponse`. */
class RecordingResponse {
  status = 0;
  /** @type {Record<string, string>} */
  headers = {};
  body = '';

  /** @param {number} status @param {Record<string, string>} [headers] */
  writeHead(status, headers = {}) {
    this.status = status;
    this.headers = headers;
    return this;
  }

  /** @param {string} [body] */
  end(body = '') {
    this.body = body;
    return this;
  }

  get json() {
    return JSON.parse(this.body);
  }
}

/** @returns {RecordingResponse & import('node:http').ServerResponse} */
const response = () => /** @type {any} */ (new RecordingResponse());

describe('sendJson', () => {
  it('writes the status, JSON headers and an exact content length', () => {
    const res = response();
    sendJson(res, 201, { name: 'Café' }, { location: '/orders/1' });
    assert.equal(res.status, 201);
    assert.deepEqual(res.headers, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': '16',
      location: '/orders/1',
    });
    assert.deepEqual(res.json, { name: 'Café' });
  });
});

describe('sendEmpty', () => {
  it('defaults to 204 with no body', () => {
    const res = response();
    sendEmpty(res);
    assert.equal(res.status, 204);
    assert.equal(res.body, '');
  });
});

describe('sendError', () => {
  it('renders an HttpError with its own headers', () => {
    const res = response();
    sendError(res, methodNotAllowed(['GET']));
    assert.equal(res.status, 405);
    assert.equal(res.headers.allow, 'GET');
    assert.equal(res.json.error.code, 'method_not_allowed');
  });

  it('hides the message of unexpected errors', () => {
    const res = response();
    sendError(res, new Error('password=hunter2'));
    assert.equal(res.status, 500);
    assert.deepEqual(res.json, {
      error: { code: 'internal_error', message: 'Internal server error' },
    });
  });

  it('closes the connection when the body was left unread', () => {
    const res = response();
    sendError(res, payloadTooLarge(10));
    assert.equal(res.headers.connection, 'close');
  });
});

describe('toHttpError', () => {
  it('keeps HttpErrors and wraps anything else with its cause', () => {
    const known = badRequest('x');
    assert.equal(toHttpError(known), known);
    assert.equal(toHttpError('boom').cause, 'boom');
  });
});
