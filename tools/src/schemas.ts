/** JSON Schemas published in docs/, each generated from the zod schema that validates it. */
import { z } from 'zod';
import { rawConfigSchema, runReportSchema } from '@shardwise/core';

export const GENERATED_SCHEMAS: Record<string, () => unknown> = {
  'docs/report.schema.json': () => z.toJSONSchema(runReportSchema),
  'docs/config.schema.json': () => z.toJSONSchema(rawConfigSchema, { io: 'input' }),
};
