import { healthHandler, orderHandlers, productHandlers, type Handler } from './handlers';
import type { Repository } from './repository';
import { Router } from './router.js';
import type { OrderService } from './services/order-service.js';

export function buildRouter(repository: Repository, orders: OrderService): Router<Handler> {
  const products = productHandlers(repository);
  const order = orderHandlers(orders);
  return new Router<Handler>()
    .get('/health', healthHandler(repository))
    .get('/products', products.list)
    .get('/products/:sku', products.get)
    .post('/orders', order.create)
    .get('/orders/:id', order.get)
    .post('/orders/:id/cancel', order.cancel);
}
