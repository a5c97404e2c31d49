import { isId } from '@example/domain';
import { describe, expect, it } from 'vitest';
import { InMemoryRepository } from '../repository/index.js';
import { OrderService } from './order-service.js';

function setup() {
  const repository = new InMemoryRepository();
  const service = new OrderService({
    repository,
    taxRate: 0.2,
    now: () => new Date('2024-06-01T09:30:00.000Z'),
  });
  return { repository, service };
}

const stockOf = async (repository: InMemoryRepository, sku: string) =>
  (await repository.getProduct(sku))?.stock;

describe('OrderService', () => {
  it('places an order, saves it and takes its stock', async () => {
    const { repository, service } = setup();
    const order = await service.place({
      lines: [{ sku: 'MN-27', quantity: 2 }],
      coupon: 'FLAT1000',
    });
    expect(isId('ord', order.id)).toBe(true);
    expect(order).toMatchObject({
      subtotal: { amount: 49800 },
      discount: { amount: 1000 },
      tax: { amount: 9760 },
      total: { amount: 58560 },
      createdAt: '2024-06-01T09:30:00.000Z',
    });
    expect(await repository.getOrder(order.id)).toEqual(order);
    expect(await stockOf(repository, 'MN-27')).toBe(6);
  });

  it('answers 409 when stock runs out and changes nothing', async () => {
    const { repository, service } = setup();
    await expect(service.place({ lines: [{ sku: 'HS-04', quantity: 1 }] })).rejects.toMatchObject({
      status: 409,
      details: [expect.objectContaining({ code: 'insufficient_stock', sku: 'HS-04' })],
    });
    expect(await stockOf(repository, 'HS-04')).toBe(0);
  });

  it('answers 422 for unknown products and coupons', async () => {
    const { service } = setup();
    await expect(
      service.place({ lines: [{ sku: 'ZZ-99', quantity: 1 }], coupon: 'HALFOFF' }),
    ).rejects.toMatchObject({ status: 422, message: 'Order cannot be placed' });
  });

  it('cancels once and puts the stock back', async () => {
    const { repository, service } = setup();
    const order = await service.place({ lines: [{ sku: 'DK-05', quantity: 4 }] });
    expect(await stockOf(repository, 'DK-05')).toBe(10);
    expect((await service.cancel(order.id)).status).toBe('cancelled');
    expect(await stockOf(repository, 'DK-05')).toBe(14);
    await expect(service.cancel(order.id)).rejects.toMatchObject({ status: 409 });
  });

  it('answers 404 for an unknown order', async () => {
    const { service } = setup();
    await expect(service.get('ord_missing')).rejects.toMatchObject({ status: 404 });
    await expect(service.cancel('ord_missing')).rejects.toMatchObject({ status: 404 });
  });
});
