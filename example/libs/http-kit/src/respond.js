import { HttpError, isHttpError } from './errors.js';

/** @typedef {import('node:http').ServerResponse} ServerResponse */

/**
 * @param {ServerResponse} res
 * @param {number} status
 * @param {unknown} body serialized with `JSON.stringify`
 * @param {Record<string, string>} [headers]
 */
export function sendJson(res, status, body, headers = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(payload)),
    ...headers,
  });
  res.end(payload);
}

/**
 * @param {ServerResponse} res
 * @param {number} [status]
 */
export function sendEmpty(res, status = 204) {
  res.writeHead(status);
  res.end();
}

/**
 * Any thrown value as an `HttpError`: unknown errors become a 500 that does not leak their
 * message.
 *
 * @param {unknown} error
 * @returns {HttpError}
 */
export function toHttpError(error) {
  if (isHttpError(error)) return error;
  return new HttpError(500, 'internal_error', 'Internal server error', { cause: error });
}

/**
 * @param {ServerResponse} res
 * @param {unknown} error
 */
export function sendError(res, error) {
  const httpError = toHttpError(error);
  // The rest of an oversized or stalled body is never read, so the connection cannot be reused.
  const closing = httpError.status === 408 || httpError.status === 413;
  sendJson(res, httpError.status, httpError.toJSON(), {
    ...httpError.headers,
    ...(closing ? { connection: 'close' } : {}),
  });
}
