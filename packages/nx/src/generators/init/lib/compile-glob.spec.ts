import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { compileGlob } from './compile-glob';

// Core classifies with picomatch (dot: true); init's census must agree on Shardwise's globs.
const GLOBS = [
  '**/*.{test,spec}.{ts,tsx,mts,cts,js,jsx,mjs,cjs}',
  '**/__tests__/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}',
  '**/*.smoke.*',
  '**/{test,tests,__tests__}/smoke/**',
  '**/*.{int,integration}.*',
  '**/{test,tests,__tests__}/{int,integration}/**',
  '**/*',
  'src/api/**',
  'src/*.spec.ts',
  '**/*.[jt]s',
  '**/?.spec.ts',
];
const PATHS = [
  'a.spec.ts',
  'src/a.spec.ts',
  'src/deep/a.test.tsx',
  'src/a.ts',
  '.hidden/a.spec.ts',
  'src/.a.spec.ts',
  '__tests__/x.ts',
  'src/__tests__/y/z.js',
  'src/__tests__.ts',
  'x.smoke.spec.ts',
  'tests/smoke/a.spec.ts',
  'test/smoke',
  'src/tests/smoke/deep/b.ts',
  'smoke/a.spec.ts',
  'a.int.spec.ts',
  'a.integration.test.js',
  'test/integration/a.spec.ts',
  'tests/int/x.spec.ts',
  'src/api/a.spec.ts',
  'src/api',
  'src/apix/a.ts',
  'b.spec.ts',
  'src/b/c.spec.ts',
  'a.js',
  'a.cs',
];

describe('compileGlob', () => {
  for (const glob of GLOBS) {
    it(`agrees with picomatch on ${glob}`, () => {
      const expected = picomatch(glob, { dot: true });
      const actual = compileGlob(glob);
      expect(PATHS.filter((p) => actual.test(p))).toEqual(PATHS.filter((p) => expected(p)));
    });
  }
});
