export * from './errors.js';
export { readJsonBody } from './json-body.js';
export { sendEmpty, sendError, sendJson, toHttpError } from './respond.js';
export { createRequestListener, listen } from './listener.js';
