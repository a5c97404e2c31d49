export { healthHandler } from './health.js';
export { orderHandlers } from './orders.js';
export { productHandlers } from './products.js';
export type { Handler, HandlerResult, RequestContext } from './types.js';
