import type { Currency, Order, Product } from '@example/domain';
import type { Pool, PoolClient } from 'pg';
import type { Page, ProductPage, Repository, Store } from './repository.js';

interface ProductRow {
  sku: string;
  name: string;
  price_amount: number;
  price_currency: string;
  stock: number;
}

const PRODUCT_COLUMNS = 'sku, name, price_amount, price_currency, stock';

const toProduct = (row: ProductRow): Product => ({
  sku: row.sku,
  name: row.name,
  price: { amount: row.price_amount, currency: row.price_currency as Currency },
  stock: row.stock,
});

/** Any connection that can run a query: the pool, or one client inside a transaction. */
type Queryable = Pick<Pool, 'query'> | PoolClient;

class PostgresStore implements Store {
  constructor(protected readonly db: Queryable) {}

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async listProducts({ limit, offset }: Page): Promise<ProductPage> {
    const [page, count] = await Promise.all([
      this.db.query<ProductRow>(
        `SELECT ${PRODUCT_COLUMNS} FROM product ORDER BY sku LIMIT $1 OFFSET $2`,
        [limit, offset],
      ),
      this.db.query<{ total: number }>('SELECT count(*)::int AS total FROM product'),
    ]);
    return { items: page.rows.map(toProduct), total: count.rows[0]?.total ?? 0 };
  }

  async getProduct(sku: string): Promise<Product | undefined> {
    const { rows } = await this.db.query<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} FROM product WHERE sku = $1`,
      [sku],
    );
    return rows[0] && toProduct(rows[0]);
  }

  async getProducts(skus: readonly string[]): Promise<Map<string, Product>> {
    const { rows } = await this.db.query<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} FROM product WHERE sku = ANY($1)`,
      [skus],
    );
    return new Map(rows.map((row) => [row.sku, toProduct(row)]));
  }

  async setStock(levels: ReadonlyMap<string, number>): Promise<void> {
    for (const [sku, stock] of levels) {
      const { rowCount } = await this.db.query('UPDATE product SET stock = $2 WHERE sku = $1', [
        sku,
        stock,
      ]);
      if (rowCount !== 1) throw new Error(`setStock: no product ${sku}`);
    }
  }

  async saveOrder(order: Order): Promise<void> {
    await this.db.query(
      `INSERT INTO customer_order (id, status, body, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, body = EXCLUDED.body`,
      [order.id, order.status, JSON.stringify(order), order.createdAt],
    );
  }

  async getOrder(id: string): Promise<Order | undefined> {
    const { rows } = await this.db.query<{ body: Order }>(
      'SELECT body FROM customer_order WHERE id = $1',
      [id],
    );
    return rows[0]?.body;
  }
}

/** The store on PostgreSQL through a `pg` pool (see db/migrations for the schema). */
export class PostgresRepository extends PostgresStore implements Repository {
  constructor(private readonly pool: Pool) {
    super(pool);
  }

  async transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One order transaction at a time, as the in-memory store: stock checks never race.
      await client.query('SELECT pg_advisory_xact_lock(7001)');
      const result = await work(new PostgresStore(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
