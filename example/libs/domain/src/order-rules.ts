import type { OrderLineInput } from './types.js';

export const MAX_LINES = 20;
export const MAX_QUANTITY_PER_LINE = 100;

export type RuleCode = 'empty_order' | 'too_many_lines' | 'invalid_quantity' | 'duplicate_sku';

export interface RuleViolation {
  readonly code: RuleCode;
  readonly message: string;
  readonly sku?: string;
}

/** Structural rules an order must meet before stock or prices are looked at. */
export function checkOrderRules(lines: readonly OrderLineInput[]): RuleViolation[] {
  if (lines.length === 0)
    return [{ code: 'empty_order', message: 'An order needs at least one line' }];
  const violations: RuleViolation[] = [];
  if (lines.length > MAX_LINES) {
    violations.push({ code: 'too_many_lines', message: `At most ${MAX_LINES} lines per order` });
  }
  const seen = new Set<string>();
  for (const { sku, quantity } of lines) {
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > MAX_QUANTITY_PER_LINE) {
      violations.push({
        code: 'invalid_quantity',
        sku,
        message: `Quantity must be a whole number from 1 to ${MAX_QUANTITY_PER_LINE}`,
      });
    }
    if (seen.has(sku)) {
      violations.push({ code: 'duplicate_sku', sku, message: `${sku} appears more than once` });
    }
    seen.add(sku);
  }
  return violations;
}
