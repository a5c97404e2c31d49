import { min, money, multiply, zero, type Money } from './money.js';

export type Coupon =
  | { readonly code: string; readonly kind: 'percent'; readonly percent: number }
  | { readonly code: string; readonly kind: 'fixed'; readonly amount: number };

/** `SAVE<n>` takes n percent off (1–50); `FLAT<n>` takes n minor units off. */
export function parseCoupon(code: string): Coupon | undefined {
  const normalized = code.trim().toUpperCase();
  const percent = /^SAVE(\d{1,2})$/.exec(normalized);
  if (percent) {
    const value = Number(percent[1]);
    return value >= 1 && value <= 50
      ? { code: normalized, kind: 'percent', percent: value }
      : undefined;
  }
  const fixed = /^FLAT(\d{1,5})$/.exec(normalized);
  if (fixed) {
    const value = Number(fixed[1]);
    return value > 0 ? { code: normalized, kind: 'fixed', amount: value } : undefined;
  }
  return undefined;
}

/** The discount a coupon gives on a subtotal; never more than the subtotal itself. */
export function couponDiscount(subtotal: Money, coupon: Coupon | undefined): Money {
  if (!coupon || subtotal.amount <= 0) return zero(subtotal.currency);
  const raw =
    coupon.kind === 'percent'
      ? multiply(subtotal, coupon.percent / 100)
      : money(coupon.amount, subtotal.currency);
  return min(raw, subtotal);
}

/** Volume discount per line: 5% from 10 units, 10% from 50 units. */
export function bulkDiscountRate(quantity: number): number {
  if (quantity >= 50) return 0.1;
  if (quantity >= 10) return 0.05;
  return 0;
}
