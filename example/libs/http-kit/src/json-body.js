import { badRequest, payloadTooLarge, requestTimeout, unsupportedMediaType } from './errors.js';

/**
 * @typedef {object} ReadJsonOptions
 * @property {number} [limitBytes] largest body accepted; default 1 MiB
 * @property {number} [timeoutMs] time allowed for the whole body to arrive; default 10 s
 */

/** @typedef {import('node:stream').Readable & { headers: import('node:http').IncomingHttpHeaders }} JsonRequest */

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json(?:\s*;|$)/i;

/**
 * Reads and parses a JSON request body. An empty body gives `undefined`.
 *
 * @param {JsonRequest} req
 * @param {ReadJsonOptions} [options]
 * @returns {Promise<unknown>}
 */
export async function readJsonBody(req, options = {}) {
  const { limitBytes = 1024 * 1024, timeoutMs = 10_000 } = options;
  const declared = Number(req.headers['content-length']);
  if (declared > limitBytes) throw payloadTooLarge(limitBytes);

  const raw = await collect(req, limitBytes, timeoutMs);
  if (raw.length === 0) return undefined;

  const type = req.headers['content-type'] ?? '';
  if (!JSON_TYPE.test(type)) throw unsupportedMediaType(type || 'no content type');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (error) {
    throw badRequest('Request body is not valid JSON', {
      reason: error instanceof Error ? error.message : String(error),
    });
  }
}

/**
 * @param {import('node:stream').Readable} req
 * @param {number} limitBytes
 * @param {number} timeoutMs
 * @returns {Promise<Buffer>}
 */
function collect(req, limitBytes, timeoutMs) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let size = 0;

    const cleanup = () => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    /** @param {Error} error */
    const fail = (error) => {
      cleanup();
      // Stop reading: the caller answers with an error and closes the connection.
      req.pause();
      reject(error);
    };
    /** @param {Buffer | string} chunk */
    const onData = (chunk) => {
      const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += buffer.length;
      if (size > limitBytes) fail(payloadTooLarge(limitBytes));
      else chunks.push(buffer);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks));
    };
    /** @param {Error} error */
    const onError = (error) =>
      fail(badRequest('Request body could not be read', { reason: error.message }));

    const timer = setTimeout(() => fail(requestTimeout(timeoutMs)), timeoutMs);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}
