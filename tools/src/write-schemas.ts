/**
 * Writes the JSON Schemas generated from the zod schemas into docs/ (`npm run docs:schemas`).
 * A unit test (schemas.spec.ts) fails when a committed schema differs from its source.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GENERATED_SCHEMAS } from './schemas';
import { repoRoot } from './bench-support';

for (const [file, schema] of Object.entries(GENERATED_SCHEMAS)) {
  writeFileSync(join(repoRoot, file), `${JSON.stringify(schema(), null, 2)}\n`);
  process.stderr.write(`wrote ${file}\n`);
}
