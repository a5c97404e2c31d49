import { describe, expect, it } from 'vitest';
import { Router } from './router.js';

const router = new Router<string>()
  .get('/products', 'list')
  .get('/products/:sku', 'product')
  .post('/orders', 'create')
  .get('/orders/:id', 'order')
  .post('/orders/:id/cancel', 'cancel');

describe('Router', () => {
  it('matches static routes', () => {
    expect(router.match('GET', '/products')).toEqual({
      kind: 'found',
      handler: 'list',
      params: {},
    });
  });

  it('captures and decodes parameters', () => {
    expect(router.match('GET', '/products/KB%2D01')).toEqual({
      kind: 'found',
      handler: 'product',
      params: { sku: 'KB-01' },
    });
    expect(router.match('POST', '/orders/ord_1/cancel')).toMatchObject({ params: { id: 'ord_1' } });
  });

  it('ignores trailing and repeated slashes', () => {
    expect(router.match('GET', '//products/')).toMatchObject({ kind: 'found', handler: 'list' });
  });

  it('lists the allowed methods when only the method is wrong', () => {
    expect(router.match('DELETE', '/orders')).toEqual({
      kind: 'method_not_allowed',
      allowed: ['POST'],
    });
  });

  it('reports unknown paths and malformed escapes as not found', () => {
    expect(router.match('GET', '/customers')).toEqual({ kind: 'not_found' });
    expect(router.match('GET', '/products/%E0%A4%A')).toEqual({ kind: 'not_found' });
    expect(router.match('GET', '/products/KB-01/reviews')).toEqual({ kind: 'not_found' });
  });

  it('prefers the first route added', () => {
    const r = new Router<number>().get('/a/:x', 1).get('/a/b', 2);
    expect(r.match('GET', '/a/b')).toMatchObject({ handler: 1, params: { x: 'b' } });
  });
});
