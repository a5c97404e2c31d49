import type { Product } from './types.js';

/** A catalog keyed by sku, as `checkout` expects it. */
export function index(products: readonly Product[]): ReadonlyMap<string, Product> {
  return new Map(products.map((p) => [p.sku, p]));
}
