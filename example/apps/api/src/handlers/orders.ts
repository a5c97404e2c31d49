import type { OrderService } from '../services/order-service.js';
import { validateCreateOrder } from '../validation/index.js';
import type { Handler } from './types.js';

export function orderHandlers(orders: OrderService): {
  create: Handler;
  get: Handler;
  cancel: Handler;
} {
  return {
    create: async ({ body }) => {
      const order = await orders.place(validateCreateOrder(body));
      return { status: 201, body: order, headers: { location: `/orders/${order.id}` } };
    },
    get: async ({ params }) => ({ status: 200, body: await orders.get(params.id ?? '') }),
    cancel: async ({ params }) => ({ status: 200, body: await orders.cancel(params.id ?? '') }),
  };
}
