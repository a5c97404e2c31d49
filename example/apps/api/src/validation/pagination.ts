import { validationFailed } from '@example/http-kit';
import type { Page } from '../repository/index.js';
import type { ValidationIssue } from './issues.js';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

type Parsed = { value: number; issue?: undefined } | { value?: undefined; issue: ValidationIssue };

function integer(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): Parsed {
  const raw = query.get(name);
  if (raw === null) return { value: fallback };
  const value = Number(raw);
  return /^\d+$/.test(raw) && value >= min && value <= max
    ? { value }
    : { issue: { path: name, message: `Expected a whole number from ${min} to ${max}` } };
}

/** `?limit=&offset=` with defaults and bounds. */
export function parsePagination(query: URLSearchParams): Page {
  const limit = integer(query, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
  const offset = integer(query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
  const issues = [limit.issue, offset.issue].filter((i): i is ValidationIssue => i !== undefined);
  if (issues.length > 0) throw validationFailed('Invalid query', issues);
  return { limit: limit.value ?? DEFAULT_LIMIT, offset: offset.value ?? 0 };
}
