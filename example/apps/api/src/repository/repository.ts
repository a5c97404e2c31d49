import type { Order, Product } from '@example/domain';

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

export interface ProductPage {
  readonly items: readonly Product[];
  readonly total: number;
}

/** What the API needs from storage. The in-memory store serves now; `@shardwise/db` comes later. */
export interface Store {
  ping(): Promise<void>;
  listProducts(page: Page): Promise<ProductPage>;
  getProduct(sku: string): Promise<Product | undefined>;
  /** The products among `skus` that exist, by sku. */
  getProducts(skus: readonly string[]): Promise<Map<string, Product>>;
  setStock(levels: ReadonlyMap<string, number>): Promise<void>;
  saveOrder(order: Order): Promise<void>;
  getOrder(id: string): Promise<Order | undefined>;
}

export interface Repository extends Store {
  /**
   * Runs `work` with no other transaction in between; if it throws, none of its writes remain.
   * Transactions do not nest.
   */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T>;
}
