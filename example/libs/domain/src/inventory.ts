import type { OrderLineInput } from './types.js';

export type StockLevels = ReadonlyMap<string, number>;

export interface Shortage {
  readonly sku: string;
  readonly requested: number;
  readonly available: number;
}

export type Reservation =
  | { readonly ok: true; readonly stock: StockLevels }
  | { readonly ok: false; readonly shortages: readonly Shortage[] };

/** Takes every line from stock or none: returns the new levels, or every shortage found. */
export function reserve(stock: StockLevels, lines: readonly OrderLineInput[]): Reservation {
  const next = new Map(stock);
  const shortages: Shortage[] = [];
  for (const { sku, quantity } of lines) {
    const available = next.get(sku) ?? 0;
    if (available < quantity) {
      shortages.push({ sku, requested: quantity, available });
    } else {
      next.set(sku, available - quantity);
    }
  }
  return shortages.length > 0 ? { ok: false, shortages } : { ok: true, stock: next };
}

/** Puts a cancelled order's quantities back. */
export function release(stock: StockLevels, lines: readonly OrderLineInput[]): StockLevels {
  const next = new Map(stock);
  for (const { sku, quantity } of lines) next.set(sku, (next.get(sku) ?? 0) + quantity);
  return next;
}
