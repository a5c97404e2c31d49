export type Currency = 'EUR' | 'USD' | 'GBP';

/** An amount in minor units (cents), always an integer. */
export interface Money {
  readonly amount: number;
  readonly currency: Currency;
}

export class CurrencyMismatchError extends Error {
  readonly code = 'CURRENCY_MISMATCH';

  constructor(a: Currency, b: Currency) {
    super(`Cannot combine ${a} with ${b}`);
    this.name = 'CurrencyMismatchError';
  }
}

export function money(amount: number, currency: Currency = 'EUR'): Money {
  if (!Number.isSafeInteger(amount)) {
    throw new RangeError(`Money amounts are integer minor units, got ${amount}`);
  }
  return { amount, currency };
}

export function zero(currency: Currency = 'EUR'): Money {
  return money(0, currency);
}

/** Parses a decimal string such as `"12.5"` or `"-0.07"` without floating-point error. */
export function fromDecimal(value: string, currency: Currency = 'EUR'): Money {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(value.trim());
  if (!match) throw new RangeError(`Not a decimal amount: "${value}"`);
  const [, sign, units = '0', fraction = ''] = match;
  const cents = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
  return money(sign ? -cents : cents, currency);
}

function assertSameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new CurrencyMismatchError(a.currency, b.currency);
}

export function add(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amount + b.amount, a.currency);
}

export function subtract(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return money(a.amount - b.amount, a.currency);
}

/** Multiplies and rounds half away from zero to whole minor units. */
export function multiply(m: Money, factor: number): Money {
  const raw = m.amount * factor;
  const rounded = Math.sign(raw) * Math.round(Math.abs(raw));
  return money(rounded === 0 ? 0 : rounded, m.currency);
}

export function sum(items: readonly Money[], currency: Currency = 'EUR'): Money {
  return items.reduce(add, zero(currency));
}

export function min(a: Money, b: Money): Money {
  assertSameCurrency(a, b);
  return a.amount <= b.amount ? a : b;
}

/**
 * Splits an amount by ratios without losing a cent: the remainder goes to the first shares,
 * one minor unit each.
 */
export function allocate(m: Money, ratios: readonly number[]): Money[] {
  const total = ratios.reduce((acc, r) => acc + r, 0);
  if (ratios.length === 0 || total <= 0 || ratios.some((r) => r < 0)) {
    throw new RangeError('allocate() needs non-negative ratios with a positive sum');
  }
  const shares = ratios.map((r) => Math.floor((m.amount * r) / total));
  let remainder = m.amount - shares.reduce((acc, s) => acc + s, 0);
  for (let i = 0; remainder > 0; i = (i + 1) % shares.length, remainder--) {
    shares[i] = (shares[i] ?? 0) + 1;
  }
  return shares.map((s) => money(s, m.currency));
}

export function format(m: Money): string {
  const sign = m.amount < 0 ? '-' : '';
  const abs = Math.abs(m.amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${m.currency}`;
}
