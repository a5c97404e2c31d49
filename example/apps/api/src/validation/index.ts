export { validateCreateOrder } from './create-order.js';
export { DEFAULT_LIMIT, MAX_LIMIT, parsePagination } from './pagination.js';
export type { ValidationIssue } from './issues.js';
