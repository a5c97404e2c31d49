import type { Order, Product } from '@example/domain';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Page, ProductPage, Repository, Store } from './repository.js';
import { seedProducts } from './seed.js';

export interface InMemoryOptions {
  readonly products?: readonly Product[];
  /** Delay added to every call, to behave like a database across a network. Default 0. */
  readonly latencyMs?: number;
}

export class InMemoryRepository implements Repository {
  #products: Map<string, Product>;
  #orders = new Map<string, Order>();
  #lock: Promise<unknown> = Promise.resolve();
  readonly #latencyMs: number;

  constructor(options: InMemoryOptions = {}) {
    this.#products = new Map((options.products ?? seedProducts).map((p) => [p.sku, p]));
    this.#latencyMs = options.latencyMs ?? 0;
  }

  async ping(): Promise<void> {
    await this.#io();
  }

  async listProducts({ limit, offset }: Page): Promise<ProductPage> {
    await this.#io();
    const all = [...this.#products.values()].sort((a, b) => a.sku.localeCompare(b.sku));
    return { items: all.slice(offset, offset + limit), total: all.length };
  }

  async getProduct(sku: string): Promise<Product | undefined> {
    await this.#io();
    return this.#products.get(sku);
  }

  async getProducts(skus: readonly string[]): Promise<Map<string, Product>> {
    await this.#io();
    const found = skus.flatMap((sku) => {
      const product = this.#products.get(sku);
      return product ? [[sku, product] as const] : [];
    });
    return new Map(found);
  }

  async setStock(levels: ReadonlyMap<string, number>): Promise<void> {
    await this.#io();
    for (const [sku, stock] of levels) {
      const product = this.#products.get(sku);
      if (!product) throw new Error(`setStock: no product ${sku}`);
      this.#products.set(sku, { ...product, stock });
    }
  }

  async saveOrder(order: Order): Promise<void> {
    await this.#io();
    this.#orders.set(order.id, order);
  }

  async getOrder(id: string): Promise<Order | undefined> {
    await this.#io();
    return this.#orders.get(id);
  }

  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    const run = async () => {
      const products = new Map(this.#products);
      const orders = new Map(this.#orders);
      try {
        return await work(this);
      } catch (error) {
        this.#products = products;
        this.#orders = orders;
        throw error;
      }
    };
    const result = this.#lock.then(run, run);
    this.#lock = result.catch(() => undefined);
    return result;
  }

  #io(): Promise<void> {
    return this.#latencyMs > 0 ? sleep(this.#latencyMs) : Promise.resolve();
  }
}
