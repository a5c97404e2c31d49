import { describe, expect, it } from 'vitest';
import { extractImports } from './parse-imports';

describe('extractImports', () => {
  it('finds every kind of module reference in TypeScript', () => {
    const source = `
      import { a } from './a';
      import type { B } from './b-types';
      import * as c from "./c.js";
      import './side-effect';
      export * from './re-export';
      export { d } from './named-re-export';
      import e = require('./import-equals');
      const f = require('./required');
      const g = require.resolve('./resolved');
      async function load() { return import('./lazy'); }
      type H = import('./type-import').H;
      jest.mock('./mocked', () => ({}));
      vi.mock('./vi-mocked');
      const actual = jest.requireActual('./actual');
      const tpl = require(\`./template\`);
      describe('x', () => { it('y', () => require('./inside-test')); });
    `;
    const result = extractImports(source, 'file.ts');
    expect(result.nonLiteral).toBe(0);
    expect(result.imports).toEqual(
      expect.arrayContaining([
        { specifier: './a', kind: 'static' },
        { specifier: './b-types', kind: 'static' },
        { specifier: './c.js', kind: 'static' },
        { specifier: './side-effect', kind: 'static' },
        { specifier: './re-export', kind: 'static' },
        { specifier: './named-re-export', kind: 'static' },
        { specifier: './import-equals', kind: 'static' },
        { specifier: './required', kind: 'require' },
        { specifier: './resolved', kind: 'require' },
        { specifier: './lazy', kind: 'dynamic' },
        { specifier: './type-import', kind: 'static' },
        { specifier: './mocked', kind: 'mock' },
        { specifier: './vi-mocked', kind: 'mock' },
        { specifier: './actual', kind: 'mock' },
        { specifier: './template', kind: 'require' },
        { specifier: './inside-test', kind: 'require' },
      ]),
    );
    expect(result.imports).toHaveLength(16);
  });

  it('counts import() and require() calls whose argument is not a literal', () => {
    const result = extractImports(
      `const name = 'x'; require('./ok'); require(name); import(\`./\${name}\`);`,
      'file.js',
    );
    expect(result.imports).toEqual([{ specifier: './ok', kind: 'require' }]);
    expect(result.nonLiteral).toBe(2);
  });

  it('parses TSX, JSX, MJS and CJS', () => {
    expect(
      extractImports(`import React from 'react'; export const A = () => <div />;`, 'a.tsx').imports,
    ).toEqual([{ specifier: 'react', kind: 'static' }]);
    expect(
      extractImports(`import x from './x.mjs'; export default x;`, 'a.mjs').imports,
    ).toHaveLength(1);
    expect(
      extractImports(`const x = require('./x.cjs'); module.exports = x;`, 'a.cjs').imports,
    ).toHaveLength(1);
    expect(
      extractImports(`export const A = () => <div>{require('./y')}</div>;`, 'a.jsx').imports,
    ).toHaveLength(1);
  });

  it('throws the parser message for a file that does not parse', () => {
    expect(() => extractImports('import { from ;', 'broken.ts')).toThrow(
      /Expected|Unexpected|expected/,
    );
  });
});
