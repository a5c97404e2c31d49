import { parseCoupon } from './discounts.js';
import { reserve, type Shortage, type StockLevels } from './inventory.js';
import { checkOrderRules, type RuleViolation } from './order-rules.js';
import { lineTotal, priceLines } from './pricing.js';
import type { Order, OrderLine, OrderLineInput, Product } from './types.js';

export interface CheckoutInput {
  readonly lines: readonly OrderLineInput[];
  readonly coupon?: string;
}

export interface CheckoutContext {
  readonly catalog: ReadonlyMap<string, Product>;
  readonly newId: () => string;
  readonly now: () => Date;
  readonly taxRate?: number;
}

export type CheckoutProblem =
  | RuleViolation
  | { readonly code: 'unknown_product'; readonly sku: string; readonly message: string }
  | { readonly code: 'invalid_coupon'; readonly message: string }
  | ({ readonly code: 'insufficient_stock'; readonly message: string } & Shortage);

export type CheckoutResult =
  | { readonly ok: true; readonly order: Order; readonly stock: StockLevels }
  | { readonly ok: false; readonly problems: readonly CheckoutProblem[] };

/** Checks, prices and reserves an order against a catalog snapshot. Pure: nothing is saved. */
export function checkout(input: CheckoutInput, context: CheckoutContext): CheckoutResult {
  const rules = checkOrderRules(input.lines);
  if (rules.length > 0) return { ok: false, problems: rules };

  const problems: CheckoutProblem[] = [];
  const lines: OrderLine[] = [];
  for (const line of input.lines) {
    const product = context.catalog.get(line.sku);
    if (!product) {
      problems.push({ code: 'unknown_product', sku: line.sku, message: `No product ${line.sku}` });
      continue;
    }
    const priced = { unitPrice: product.price, quantity: line.quantity };
    lines.push({ ...line, name: product.name, unitPrice: product.price, total: lineTotal(priced) });
  }

  const coupon = input.coupon === undefined ? undefined : parseCoupon(input.coupon);
  if (input.coupon !== undefined && !coupon) {
    problems.push({ code: 'invalid_coupon', message: `Unknown coupon "${input.coupon}"` });
  }
  if (problems.length > 0) return { ok: false, problems };

  const stock = new Map([...context.catalog.values()].map((p) => [p.sku, p.stock]));
  const reservation = reserve(stock, input.lines);
  if (!reservation.ok) {
    return {
      ok: false,
      problems: reservation.shortages.map((s) => ({
        code: 'insufficient_stock' as const,
        message: `Only ${s.available} of ${s.sku} left`,
        ...s,
      })),
    };
  }

  const breakdown = priceLines(lines, { taxRate: context.taxRate ?? 0, coupon });
  const order: Order = {
    id: context.newId(),
    status: 'placed',
    lines,
    ...breakdown,
    ...(coupon ? { coupon: coupon.code } : {}),
    createdAt: context.now().toISOString(),
  };
  return { ok: true, order, stock: reservation.stock };
}
