import { isHttpError } from './errors.js';
import { sendError } from './respond.js';

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {(req: IncomingMessage, res: ServerResponse) => unknown} Handler */

/**
 * Turns an async handler into a `node:http` request listener: whatever it throws is sent as a
 * JSON error, and errors that are not `HttpError`s are passed to `onError` first.
 *
 * @param {Handler} handle
 * @param {{ onError?: (error: unknown, req: IncomingMessage) => void }} [options]
 * @returns {(req: IncomingMessage, res: ServerResponse) => void}
 */
export function createRequestListener(handle, options = {}) {
  const { onError } = options;
  return (req, res) => {
    Promise.resolve()
      .then(() => handle(req, res))
      .catch((error) => {
        if (!isHttpError(error)) onError?.(error, req);
        if (res.headersSent) res.destroy();
        else sendError(res, error);
      });
  };
}

/**
 * Starts a server and resolves once it listens. Port 0 picks a free port.
 *
 * @param {import('node:http').Server} server
 * @param {{ port?: number, host?: string }} [options]
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export function listen(server, options = {}) {
  const { port = 0, host = '127.0.0.1' } = options;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('Expected a TCP address'));
        return;
      }
      resolve({
        url: `http://${host}:${address.port}`,
        close: () =>
          new Promise((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeAllConnections();
          }),
      });
    });
  });
}
