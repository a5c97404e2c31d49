import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_SCHEMAS } from './schemas';

const repoRoot = join(__dirname, '../..');

describe('published JSON Schemas', () => {
  it.each(Object.keys(GENERATED_SCHEMAS))(
    '%s matches its zod source (npm run docs:schemas)',
    (file) => {
      const committed = JSON.parse(readFileSync(join(repoRoot, file), 'utf8')) as unknown;
      expect(committed).toEqual(GENERATED_SCHEMAS[file]!());
    },
  );
});
