import type { CheckoutInput, OrderLineInput } from '@example/domain';
import { validationFailed } from '@example/http-kit';
import type { ValidationIssue } from './issues.js';

const SKU = /^[A-Z0-9]{2,8}-[0-9]{2,4}$/;
const KEYS = new Set(['lines', 'coupon']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks the shape of a `POST /orders` body; business rules are the domain's. */
export function validateCreateOrder(body: unknown): CheckoutInput {
  if (!isRecord(body)) {
    throw validationFailed('Invalid order', [{ path: '', message: 'Expected a JSON object' }]);
  }
  const issues: ValidationIssue[] = Object.keys(body)
    .filter((key) => !KEYS.has(key))
    .map((key) => ({ path: key, message: 'Unknown field' }));

  const lines: OrderLineInput[] = [];
  if (!Array.isArray(body.lines)) {
    issues.push({ path: 'lines', message: 'Expected an array' });
  } else {
    for (const [i, line] of (body.lines as unknown[]).entries()) {
      const at = `lines[${i}]`;
      if (!isRecord(line)) {
        issues.push({ path: at, message: 'Expected an object' });
        continue;
      }
      const { sku, quantity } = line;
      if (typeof sku !== 'string' || !SKU.test(sku)) {
        issues.push({ path: `${at}.sku`, message: 'Expected a SKU such as "KB-01"' });
      }
      if (typeof quantity !== 'number' || !Number.isInteger(quantity)) {
        issues.push({ path: `${at}.quantity`, message: 'Expected a whole number' });
      }
      if (typeof sku === 'string' && typeof quantity === 'number') lines.push({ sku, quantity });
    }
  }

  if (body.coupon !== undefined && typeof body.coupon !== 'string') {
    issues.push({ path: 'coupon', message: 'Expected a string' });
  }
  if (issues.length > 0) throw validationFailed('Invalid order', issues);
  return typeof body.coupon === 'string' ? { lines, coupon: body.coupon } : { lines };
}
