import { bulkDiscountRate, couponDiscount, type Coupon } from './discounts.js';
import { add, multiply, subtract, sum, zero, type Currency, type Money } from './money.js';

export interface PricedLine {
  readonly unitPrice: Money;
  readonly quantity: number;
}

export interface PriceBreakdown {
  readonly subtotal: Money;
  readonly discount: Money;
  readonly tax: Money;
  readonly total: Money;
}

export interface PricingOptions {
  /** VAT or sales tax as a fraction, applied after discounts. Default 0. */
  readonly taxRate?: number;
  readonly coupon?: Coupon;
  readonly currency?: Currency;
}

/** A line's price after its volume discount. */
export function lineTotal(line: PricedLine): Money {
  const gross = multiply(line.unitPrice, line.quantity);
  return subtract(gross, multiply(gross, bulkDiscountRate(line.quantity)));
}

export function priceLines(
  lines: readonly PricedLine[],
  options: PricingOptions = {},
): PriceBreakdown {
  const { taxRate = 0, coupon, currency = lines[0]?.unitPrice.currency ?? 'EUR' } = options;
  if (taxRate < 0 || taxRate > 1)
    throw new RangeError(`taxRate must be within 0..1, got ${taxRate}`);
  const subtotal = sum(lines.map(lineTotal), currency);
  const discount = couponDiscount(subtotal, coupon);
  const taxable = subtract(subtotal, discount);
  const tax = taxable.amount > 0 ? multiply(taxable, taxRate) : zero(currency);
  return { subtotal, discount, tax, total: add(taxable, tax) };
}
