import { describe, expect, it } from 'vitest';
import {
  extractImports,
  extractImportsFromModuleRecord,
  extractImportsWithFullWalk,
  extractImportsWithLexer,
} from './parse-imports';

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

  it('keeps an import and a mock of the same module apart, whichever path reads the file', () => {
    // The mock looks for a manual mock; the import makes an unresolved specifier wide.
    const source = `import { a } from './a'; jest.mock('./a'); jest.mock('./a');`;
    const expected = [
      { specifier: './a', kind: 'mock' },
      { specifier: './a', kind: 'static' },
    ];
    expect(extractImports(source, 'a.test.ts').imports).toEqual(expected);
    expect(extractImportsWithFullWalk(source, 'a.test.ts').imports).toEqual(expected);
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

/** Every import/export declaration form, and literal import(): both fast paths read it. */
const DECLARATIONS = `
  import { a } from './a';
  import type { B } from './b-types';
  import { type C, d } from './c';
  import * as e from "./e.js";
  import './side-effect';
  import json from './data.json' with { type: 'json' };
  export * from './re-export';
  export * as ns from './ns';
  export { f } from './named-re-export';
  export type { G } from './type-re-export';
  export const local = 1;
  async function load() { return [await import('./lazy'), await import(\`./tpl\`)]; }
`;

describe('the module-record fast path', () => {
  const fastCases: Record<string, string> = {
    'declarations.ts': DECLARATIONS,
    'non-literal.js': `const n = 'x'; export const p = import(n); export const q = import(\`./\${n}\`); import('./ok');`,
    'component.tsx': `import React from 'react'; export const A = () => <div />;`,
    'module.mjs': `import { x } from './x.mjs'; export default x;`,
    'dollar.ts': 'export const lazy = () => import(`./price$.ts`);',
  };

  it.each(Object.entries(fastCases))(
    '%s: takes the fast path and agrees with the full walk',
    (file, source) => {
      const fast = extractImportsFromModuleRecord(source, file);
      expect(fast).toBeDefined();
      expect(extractImports(source, file)).toEqual(extractImportsWithFullWalk(source, file));
    },
  );

  it('leaves to the full walk what only an AST shows', () => {
    for (const source of [
      `import x = require('./x');`,
      `jest.mock('./m');`,
      `import { vi } from 'vitest'; vi.mock('./m');`,
      `type T = import('./types').T;`,
      `type T = import /* why */ ('./types').T;`,
      // The count of import( would match: one missed by a line comment, one an import type.
      `type T = typeof import('./types'); export const m = import // why\n('./m');`,
      // No entries, so no request in the record; the first one still runs './a'.
      `export {} from './a'; export type {} from './b';`,
      `declare module 'x' { import { Y } from './y'; export { Z } from './z'; }`,
      `export const p = import('./a\\u0062');`,
      `import { from './broken';`,
    ]) {
      expect(extractImportsFromModuleRecord(source, 'file.ts'), source).toBeUndefined();
    }
    expect(extractImports(`type T = import('./types').T;`, 'file.ts').imports).toEqual([
      { specifier: './types', kind: 'static' },
    ]);
    expect(extractImports(`export {} from './a';`, 'file.ts').imports).toEqual([
      { specifier: './a', kind: 'static' },
    ]);
    expect(
      extractImports(`declare module 'x' { import { Y } from './y'; }`, 'file.d.ts').imports,
    ).toEqual([{ specifier: './y', kind: 'static' }]);
  });
});

describe('the lexer path', () => {
  const lexedCases: Record<string, string> = {
    'declarations.ts': DECLARATIONS,
    'typescript.ts': `
      import x = Foo.Bar;
      enum E { A = 1 / 2 }
      const ratio = total! / count;
      const g = <T,>(v: T): T => v;
      class K { @Dec() m(): void {} }
      import { y } from /* why */ './y';
      export const lazy = () => import('./lazy');
    `,
    'type-import.ts': `let m: typeof import('./m') | undefined; export const n = import('./m');`,
    'module.mjs': `import { x } from './x.mjs'; export default x;`,
    'common.cjs': `
      const a = require('./a');
      const b = typeof require === 'function' ? require("./b") : undefined;
      const c = require.resolve(\`./c\`);
      module.exports = { a, b, c };
    `,
    'mocks.test.ts': `
      import { vi } from 'vitest';
      import { load } from './load';
      vi.mock('./load', () => ({ load: vi.fn() }));
      vi.mock('./virtual');
      const actual = { ...jest.requireActual('./actual') };
      test('x', () => expect(vi.fn()).toBeDefined());
    `,
  };

  it.each(Object.entries(lexedCases))(
    '%s: is lexed and agrees with the full walk',
    (file, source) => {
      expect(extractImportsWithLexer(source, file)).toBeDefined();
      expect(extractImports(source, file)).toEqual(extractImportsWithFullWalk(source, file));
    },
  );

  it('passes a file on when the lexer did not find an import at every place the text shows one', () => {
    for (const [source, file] of [
      // Text that reads like an import inside a string: the lexer rightly skips it, but a lexer
      // that skipped a real import would look the same, so the parser decides.
      [`const s = "import x from './fake'"; import { y } from './y';`, 'file.ts'],
      [`type T = import('./types').T;`, 'file.ts'],
      [`class C { import(x: string) { return x; } }`, 'file.ts'],
      [`const n = 'x'; export const p = import(n);`, 'file.js'],
      [`export const p = import(\`./\${n}\`);`, 'file.js'],
      [`import React from 'react'; export const A = () => <p>Don't</p>;`, 'a.tsx'],
      [`import { from './broken';`, 'file.ts'],
      // require and mock calls the text cannot read as a literal call: the walk decides.
      [`const name = './r'; const r = require(name);`, 'file.js'],
      [`delete require.cache[key]; require('./r');`, 'file.js'],
      [`vi.mock(import('./m'));`, 'file.ts'],
      [`jest.createMockFromModule<typeof import('fs')>('fs');`, 'file.ts'],
    ]) {
      expect(extractImportsWithLexer(source!, file!), source).toBeUndefined();
    }
    expect(
      extractImports(`const s = "import x from './fake'"; import { y } from './y';`, 'file.ts')
        .imports,
    ).toEqual([{ specifier: './y', kind: 'static' }]);
    // A literal call in a comment is taken as well: an input too many, never one too few.
    expect(
      extractImportsWithLexer(`// once: require('./old')\nexport const x = require('./x');`, 'a.js')
        ?.imports,
    ).toEqual([
      { specifier: './old', kind: 'require' },
      { specifier: './x', kind: 'require' },
    ]);
    expect(extractImports(`class C { import(x: string) { return x; } }`, 'file.ts')).toEqual({
      imports: [],
      nonLiteral: 0,
    });
  });
});

describe('texts that once fooled the fast paths (an adversarial review)', () => {
  const cases: Array<[string, string]> = [
    // A unicode escape spells require or a mock method where no text check sees it.
    ['const x = r\\u0065quire("./a");', 'a.js'],
    ['jest.m\\u006fck("./a");', 'a.ts'],
    // Line comments end at CR and U+2028 too.
    ['jest //c\r.mock("./a");', 'a.ts'],
    ['jest.mock(// note\r"./real", // see\n"./fake");', 'a.ts'],
    ['const p = import //\u2028("./real")\n("./fake");', 'a.js'],
    ['type T = typeof import //c\r("./a");', 'a.ts'],
    // `typeof require(x)` is a call, and a comment ending in "typeof" is not the operator.
    ['const t = typeof require(name);', 'a.cjs'],
    ['// narrow with typeof\nrequire(path);', 'a.cjs'],
    // Forms the module record shows no request for.
    ['import(x); export{}from"./a";', 'a.ts'],
    ['declare /**/ module "x" { import y from "./z"; }', 'a.ts'],
    ['const m = import.defer("./b"); type T = import("./a").X;', 'a.ts'],
    // A template's cooked value turns CR into LF.
    ['import(q); const y = import(`./a\rb`);', 'a.ts'],
  ];
  const roles = (r: {
    imports: Array<{ specifier: string; kind: string }>;
    nonLiteral: number;
  }) => ({
    references: [
      ...new Set(r.imports.map((i) => `${i.kind === 'mock' ? 'mock' : 'import'} ${i.specifier}`)),
    ].sort(),
    nonLiteral: r.nonLiteral,
  });

  it.each(cases)('%j (%s): the same references as the full walk', (source, file) => {
    expect(roles(extractImports(source, file))).toEqual(
      roles(extractImportsWithFullWalk(source, file)),
    );
  });
});
