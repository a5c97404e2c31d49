import type { Money } from './money.js';

export interface Product {
  readonly sku: string;
  readonly name: string;
  readonly price: Money;
  readonly stock: number;
}

export interface OrderLineInput {
  readonly sku: string;
  readonly quantity: number;
}

export interface OrderLine extends OrderLineInput {
  readonly name: string;
  readonly unitPrice: Money;
  readonly total: Money;
}

export type OrderStatus = 'placed' | 'cancelled';

export interface Order {
  readonly id: string;
  readonly status: OrderStatus;
  readonly lines: readonly OrderLine[];
  readonly subtotal: Money;
  readonly discount: Money;
  readonly tax: Money;
  readonly total: Money;
  readonly coupon?: string;
  readonly createdAt: string;
}
