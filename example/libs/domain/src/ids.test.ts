import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { createIdGenerator, idTime, isId } from './ids.js';

describe('createIdGenerator', () => {
  it('is deterministic with an injected clock and random source', () => {
    const next = createIdGenerator('ord', {
      now: () => 1_700_000_000_000,
      random: (n) => Buffer.alloc(n, 0xab),
    });
    expect(next()).toBe('ord_0loyw3v28abababababababab');
  });

  it('produces unique, well-formed ids', () => {
    const next = createIdGenerator('ord');
    const ids = Array.from({ length: 1000 }, next);
    expect(new Set(ids).size).toBe(1000);
    expect(ids.every((id) => isId('ord', id))).toBe(true);
  });

  it('encodes the creation time so ids sort by it', async () => {
    const next = createIdGenerator('ord');
    const first = next();
    await sleep(120);
    const second = next();
    expect(idTime(second) - idTime(first)).toBeGreaterThanOrEqual(100);
    expect([second, first].sort()).toEqual([first, second]);
  });

  it('rejects prefixes that would make ids ambiguous', () => {
    expect(() => createIdGenerator('Order_')).toThrow('Bad id prefix');
  });
});
