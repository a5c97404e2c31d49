import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  badRequest,
  HttpError,
  isHttpError,
  methodNotAllowed,
  notFound,
  payloadTooLarge,
  validationFailed,
} from './errors.js';

describe('HttpError', () => {
  it('carries a status, a stable code and a cause', () => {
    const cause = new Error('disk full');
    const error = new HttpError(503, 'unavailable', 'Try again later', { cause });
    assert.equal(error.status, 503);
    assert.equal(error.code, 'unavailable');
    assert.equal(error.cause, cause);
    assert.ok(error instanceof Error);
  });

  it('serializes to the error envelope, with details only when given', () => {
    assert.deepEqual(notFound().toJSON(), { error: { code: 'not_found', message: 'Not found' } });
    assert.deepEqual(validationFailed('Invalid order', [{ path: 'lines' }]).toJSON(), {
      error: { code: 'validation_failed', message: 'Invalid order', details: [{ path: 'lines' }] },
    });
  });

  it('tells HttpErrors from other errors', () => {
    assert.equal(isHttpError(badRequest('nope')), true);
    assert.equal(isHttpError(new Error('nope')), false);
    assert.equal(isHttpError({ status: 400 }), false);
  });
});

describe('error factories', () => {
  it('lists the allowed methods in the Allow header', () => {
    const error = methodNotAllowed(['GET', 'POST']);
    assert.equal(error.status, 405);
    assert.deepEqual(error.headers, { allow: 'GET, POST' });
    assert.equal(error.message, 'Use GET or POST');
  });

  it('names the limit that was exceeded', () => {
    assert.match(payloadTooLarge(1024).message, /1024 bytes/);
  });
});
