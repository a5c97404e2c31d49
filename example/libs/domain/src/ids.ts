import { randomBytes } from 'node:crypto';

export interface IdGeneratorOptions {
  readonly now?: () => number;
  readonly random?: (bytes: number) => Buffer;
}

const TIME_WIDTH = 9;

/**
 * Ids like `ord_0loyw3v289f86d081884c7d65`: a prefix, the creation time in base 36 (fixed width, so
 * ids sort by time) and 8 random bytes.
 */
export function createIdGenerator(prefix: string, options: IdGeneratorOptions = {}): () => string {
  if (!/^[a-z]{2,8}$/.test(prefix)) throw new RangeError(`Bad id prefix "${prefix}"`);
  const { now = Date.now, random = randomBytes } = options;
  return () =>
    `${prefix}_${now().toString(36).padStart(TIME_WIDTH, '0')}${random(8).toString('hex')}`;
}

export function isId(prefix: string, value: string): boolean {
  return new RegExp(`^${prefix}_[0-9a-z]{${TIME_WIDTH}}[0-9a-f]{16}$`).test(value);
}

/** The creation time encoded in an id, in milliseconds since the epoch. */
export function idTime(id: string): number {
  const time = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 1 + TIME_WIDTH);
  return parseInt(time, 36);
}
