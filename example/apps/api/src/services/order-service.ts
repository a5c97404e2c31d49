import {
  checkout,
  createIdGenerator,
  release,
  type CheckoutInput,
  type CheckoutProblem,
  type Order,
} from '@example/domain';
import { conflict, notFound, validationFailed, type HttpError } from '@example/http-kit';
import type { Repository } from '../repository/index.js';

export interface OrderServiceOptions {
  readonly repository: Repository;
  readonly taxRate: number;
  readonly newId?: () => string;
  readonly now?: () => Date;
}

function rejection(problems: readonly CheckoutProblem[]): HttpError {
  return problems.some((p) => p.code === 'insufficient_stock')
    ? conflict('Not enough stock', problems)
    : validationFailed('Order cannot be placed', problems);
}

export class OrderService {
  readonly #repository: Repository;
  readonly #taxRate: number;
  readonly #newId: () => string;
  readonly #now: () => Date;

  constructor(options: OrderServiceOptions) {
    this.#repository = options.repository;
    this.#taxRate = options.taxRate;
    this.#newId = options.newId ?? createIdGenerator('ord');
    this.#now = options.now ?? (() => new Date());
  }

  /** Checks, prices and saves an order, taking its stock in the same transaction. */
  place(input: CheckoutInput): Promise<Order> {
    return this.#repository.transaction(async (tx) => {
      const catalog = await tx.getProducts(input.lines.map((l) => l.sku));
      const result = checkout(input, {
        catalog,
        newId: this.#newId,
        now: this.#now,
        taxRate: this.#taxRate,
      });
      if (!result.ok) throw rejection(result.problems);
      await tx.setStock(result.stock);
      await tx.saveOrder(result.order);
      return result.order;
    });
  }

  async get(id: string): Promise<Order> {
    const order = await this.#repository.getOrder(id);
    if (!order) throw notFound(`No order ${id}`);
    return order;
  }

  /** Cancels a placed order and puts its stock back. */
  cancel(id: string): Promise<Order> {
    return this.#repository.transaction(async (tx) => {
      const order = await tx.getOrder(id);
      if (!order) throw notFound(`No order ${id}`);
      if (order.status === 'cancelled') throw conflict(`Order ${id} is already cancelled`);
      const catalog = await tx.getProducts(order.lines.map((l) => l.sku));
      const stock = new Map([...catalog.values()].map((p) => [p.sku, p.stock]));
      await tx.setStock(release(stock, order.lines));
      const cancelled: Order = { ...order, status: 'cancelled' };
      await tx.saveOrder(cancelled);
      return cancelled;
    });
  }
}
