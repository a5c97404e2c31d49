/**
 * Default categories and file patterns. A test file belongs to the first category, in configured
 * order, whose `include` matches it and whose `exclude` does not. The defaults are ordered from
 * narrow to broad, so `unit` (which matches every test file) comes last and catches the rest.
 */
import type { RawCategory } from './schema';

const CODE_EXTENSIONS = '{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

/** Which files are test files, relative to the project root. */
export const DEFAULT_TEST_MATCH = [
  `**/*.{test,spec}.${CODE_EXTENSIONS}`,
  `**/__tests__/**/*.${CODE_EXTENSIONS}`,
];

/** Folders that hold tests, under which a category folder (`tests/integration/`) names the category. */
const TEST_DIRS = '{test,tests,__tests__}';

export const DEFAULT_CATEGORIES: ReadonlyArray<readonly [string, RawCategory]> = [
  ['smoke', { include: ['**/*.smoke.*', `**/${TEST_DIRS}/smoke/**`] }],
  [
    'integration',
    { include: ['**/*.{int,integration}.*', `**/${TEST_DIRS}/{int,integration}/**`] },
  ],
  ['e2e', { include: ['**/*.e2e.*', `**/${TEST_DIRS}/e2e/**`] }],
  ['agents', { include: ['**/*.{agent,agents}.*', `**/${TEST_DIRS}/agents/**`] }],
  [
    'performance',
    { include: ['**/*.{perf,performance}.*', `**/${TEST_DIRS}/{perf,performance}/**`] },
  ],
  ['unit', { include: ['**/*'] }],
];

/** Folders never scanned, relative to the workspace root. */
export const ALWAYS_IGNORED = [
  '**/node_modules/**',
  '**/.git/**',
  '**/.nx/**',
  '**/.shardwise/**',
  '**/dist/**',
  '**/coverage/**',
  '**/tmp/**',
];

export const DEFAULT_CACHE_DIR = '.shardwise/cache';
export const DEFAULT_REPORT_DIR = '.shardwise/reports';
export const DEFAULT_TARGET_PREFIX = 'test';
export const DEFAULT_CACHE_TTL_HOURS = 168;
export const DEFAULT_SHARDS = 1;
