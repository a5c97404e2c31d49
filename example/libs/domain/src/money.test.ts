import { describe, expect, it } from '@jest/globals';
import {
  add,
  allocate,
  CurrencyMismatchError,
  format,
  fromDecimal,
  money,
  multiply,
  subtract,
  sum,
} from './money.js';

describe('money', () => {
  it('only accepts whole minor units', () => {
    expect(money(1999)).toEqual({ amount: 1999, currency: 'EUR' });
    expect(() => money(19.99)).toThrow(RangeError);
  });

  it('parses decimals without floating-point error', () => {
    expect(fromDecimal('0.1').amount + fromDecimal('0.2').amount).toBe(30);
    expect(fromDecimal('12.5', 'USD')).toEqual(money(1250, 'USD'));
    expect(fromDecimal('-0.07')).toEqual(money(-7));
    expect(() => fromDecimal('1.234')).toThrow('Not a decimal amount');
  });

  it('adds and subtracts within one currency', () => {
    expect(add(money(150), money(275))).toEqual(money(425));
    expect(subtract(money(150), money(275))).toEqual(money(-125));
    expect(sum([money(1), money(2), money(3)])).toEqual(money(6));
    expect(sum([], 'GBP')).toEqual(money(0, 'GBP'));
  });

  it('refuses to mix currencies', () => {
    expect(() => add(money(1, 'EUR'), money(1, 'USD'))).toThrow(CurrencyMismatchError);
  });

  it('rounds products half away from zero', () => {
    expect(multiply(money(5), 0.5)).toEqual(money(3));
    expect(multiply(money(-5), 0.5)).toEqual(money(-3));
    expect(multiply(money(999), 3)).toEqual(money(2997));
  });

  it('formats with two decimals and the currency code', () => {
    expect(format(money(123456))).toBe('1234.56 EUR');
    expect(format(money(-5, 'USD'))).toBe('-0.05 USD');
  });
});

describe('allocate', () => {
  it('never loses a cent', () => {
    const shares = allocate(money(100), [1, 1, 1]);
    expect(shares.map((s) => s.amount)).toEqual([34, 33, 33]);
    expect(sum(shares).amount).toBe(100);
  });

  it('follows the ratios', () => {
    expect(allocate(money(1000), [70, 30]).map((s) => s.amount)).toEqual([700, 300]);
  });

  it('rejects ratios that sum to nothing', () => {
    expect(() => allocate(money(10), [])).toThrow(RangeError);
    expect(() => allocate(money(10), [0, 0])).toThrow(RangeError);
  });
});
