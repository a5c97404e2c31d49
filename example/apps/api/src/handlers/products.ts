import { notFound } from '@example/http-kit';
import type { Repository } from '../repository/index.js';
import { parsePagination } from '../validation/index.js';
import type { Handler } from './types.js';

export function productHandlers(repository: Repository): { list: Handler; get: Handler } {
  return {
    list: async ({ query }) => {
      const page = parsePagination(query);
      const { items, total } = await repository.listProducts(page);
      return { status: 200, body: { items, total, ...page } };
    },
    get: async ({ params }) => {
      const sku = params.sku ?? '';
      const product = await repository.getProduct(sku);
      if (!product) throw notFound(`No product ${sku}`);
      return { status: 200, body: product };
    },
  };
}
