/**
 * An error that maps to an HTTP response. Handlers throw it; `sendError` renders it as
 * `{ "error": { "code", "message", "details"? } }`.
 */
export class HttpError extends Error {
  /**
   * @param {number} status
   * @param {string} code stable, machine-readable, snake_case
   * @param {string} message
   * @param {{ details?: unknown, headers?: Record<string, string>, cause?: unknown }} [options]
   */
  constructor(status, code, message, options = {}) {
    super(message, { cause: options.cause });
    this.name = 'HttpError';
    this.status = status;
    this.code = code;
    this.details = options.details;
    /** @type {Record<string, string>} */
    this.headers = options.headers ?? {};
  }

  toJSON() {
    const { code, message, details } = this;
    return { error: details === undefined ? { code, message } : { code, message, details } };
  }
}

/**
 * @param {unknown} value
 * @returns {value is HttpError}
 */
export function isHttpError(value) {
  return value instanceof HttpError;
}

/** @param {string} message @param {unknown} [details] */
export const badRequest = (message, details) =>
  new HttpError(400, 'bad_request', message, { details });

/** @param {string} [message] */
export const notFound = (message = 'Not found') => new HttpError(404, 'not_found', message);

/** @param {readonly string[]} allowed */
export const methodNotAllowed = (allowed) =>
  new HttpError(405, 'method_not_allowed', `Use ${allowed.join(' or ')}`, {
    headers: { allow: allowed.join(', ') },
  });

/** @param {number} timeoutMs */
export const requestTimeout = (timeoutMs) =>
  new HttpError(408, 'request_timeout', `Request body not received within ${timeoutMs} ms`);

/** @param {string} message @param {unknown} [details] */
export const conflict = (message, details) => new HttpError(409, 'conflict', message, { details });

/** @param {number} limitBytes */
export const payloadTooLarge = (limitBytes) =>
  new HttpError(413, 'payload_too_large', `Request body exceeds ${limitBytes} bytes`);

/** @param {string} contentType */
export const unsupportedMediaType = (contentType) =>
  new HttpError(415, 'unsupported_media_type', `Expected application/json, got ${contentType}`);

/** @param {string} message @param {unknown} [details] */
export const validationFailed = (message, details) =>
  new HttpError(422, 'validation_failed', message, { details });
