export * from './money.js';
export * from './discounts.js';
export * from './pricing.js';
export * from './order-rules.js';
export * from './inventory.js';
export * from './ids.js';
export * from './checkout.js';
export type * from './types.js';
