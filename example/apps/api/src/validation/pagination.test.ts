import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMIT, MAX_LIMIT, parsePagination } from './pagination.js';

const parse = (query: string) => parsePagination(new URLSearchParams(query));

describe('parsePagination', () => {
  it('defaults to the first page', () => {
    expect(parse('')).toEqual({ limit: DEFAULT_LIMIT, offset: 0 });
  });

  it('reads limit and offset', () => {
    expect(parse('limit=5&offset=10')).toEqual({ limit: 5, offset: 10 });
    expect(parse(`limit=${MAX_LIMIT}`)).toEqual({ limit: MAX_LIMIT, offset: 0 });
  });

  it.each(['limit=0', `limit=${MAX_LIMIT + 1}`, 'limit=2.5', 'offset=-1', 'offset=abc', 'limit='])(
    'rejects %s',
    (query) => {
      expect(() => parse(query)).toThrow(expect.objectContaining({ status: 422 }));
    },
  );

  it('lists both problems at once', () => {
    expect(() => parse('limit=x&offset=y')).toThrow(
      expect.objectContaining({
        details: [
          expect.objectContaining({ path: 'limit' }),
          expect.objectContaining({ path: 'offset' }),
        ],
      }),
    );
  });
});
