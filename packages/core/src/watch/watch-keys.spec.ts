import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { keyOf, listenForKeys, type WatchKey } from './watch-keys';

describe('watch keys', () => {
  it('maps q, a and f (any case, as a line or a key) and Ctrl-C / Ctrl-D', () => {
    expect(['q', 'a', 'f', 'Q', ' a \n', '\u0003', '\u0004', 'x', ''].map(keyOf)).toEqual([
      'quit',
      'all',
      'failed',
      'quit',
      'all',
      'quit',
      'quit',
      undefined,
      undefined,
    ]);
  });

  it('reads lines from a pipe, and the end of input quits', async () => {
    const input = new PassThrough() as unknown as NodeJS.ReadStream;
    const keys: WatchKey[] = [];
    const closed = new Promise<void>((resolve) =>
      listenForKeys(input, (key) => {
        keys.push(key);
        if (key === 'quit') resolve();
      }),
    );
    (input as unknown as PassThrough).write('a\nnot a key\nf\n');
    (input as unknown as PassThrough).end();
    await closed;
    expect(keys).toEqual(['all', 'failed', 'quit']);
  });
});
