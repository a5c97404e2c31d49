/**
 * Extracts every module reference of a source file with @swc/core: static imports (type-only
 * too), re-exports, `import x = require()`, literal `import()` and `require()`, `require.resolve`,
 * TypeScript `import('x')` types, and the paths given to `jest.mock`/`vi.mock` and their
 * relatives. A reference whose argument is not a string literal is recorded as non-literal: the
 * file cannot be traced statically and its tests are keyed on their whole project.
 */
import { parseSync, type ParseOptions } from '@swc/core';

export type ImportKind = 'static' | 'dynamic' | 'require' | 'mock';

export interface ImportRecord {
  specifier: string;
  kind: ImportKind;
}

export interface ParsedImports {
  imports: ImportRecord[];
  /** Count of `import()`/`require()` calls whose argument is not a literal. */
  nonLiteral: number;
}

const MOCK_OBJECTS = new Set(['jest', 'vi']);
const MOCK_METHODS = new Set([
  'mock',
  'doMock',
  'unmock',
  'dontMock',
  'setMock',
  'requireActual',
  'requireMock',
  'importActual',
  'importMock',
  'createMockFromModule',
]);

export const CODE_FILE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

export function parseOptionsFor(file: string): ParseOptions {
  if (/\.(ts|mts|cts)$/.test(file)) {
    return { syntax: 'typescript', tsx: false, decorators: true, target: 'es2022' };
  }
  if (file.endsWith('.tsx')) {
    return { syntax: 'typescript', tsx: true, decorators: true, target: 'es2022' };
  }
  return {
    syntax: 'ecmascript',
    jsx: true,
    decorators: true,
    importAttributes: true,
    target: 'es2022',
  };
}

type Node = Record<string, unknown>;

function literalValue(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const n = node as Node;
  if (n['type'] === 'StringLiteral' && typeof n['value'] === 'string') return n['value'];
  if (n['type'] === 'TemplateLiteral') {
    const expressions = n['expressions'] as unknown[];
    const quasis = n['quasis'] as Node[];
    if (expressions.length === 0 && quasis.length === 1) {
      const cooked = quasis[0]?.['cooked'];
      const raw = quasis[0]?.['raw'];
      if (typeof cooked === 'string') return cooked;
      if (typeof raw === 'string') return raw;
    }
  }
  return undefined;
}

function firstArgument(call: Node): unknown {
  const args = call['arguments'] as Node[] | undefined;
  return args?.[0]?.['expression'];
}

function identifierName(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const n = node as Node;
  return n['type'] === 'Identifier' && typeof n['value'] === 'string' ? n['value'] : undefined;
}

function visitCall(call: Node, out: ParsedImports): void {
  const callee = call['callee'] as Node;
  let kind: ImportKind | undefined;
  if (callee['type'] === 'Import') kind = 'dynamic';
  else if (identifierName(callee) === 'require') kind = 'require';
  else if (callee['type'] === 'MemberExpression') {
    const object = identifierName(callee['object']);
    const property = identifierName(callee['property']);
    if (object === 'require' && property === 'resolve') kind = 'require';
    else if (
      object !== undefined &&
      MOCK_OBJECTS.has(object) &&
      property !== undefined &&
      MOCK_METHODS.has(property)
    ) {
      kind = 'mock';
    }
  }
  if (kind === undefined) return;
  const argument = firstArgument(call);
  const specifier = literalValue(argument);
  if (specifier !== undefined) out.imports.push({ specifier, kind });
  else if (kind !== 'mock' && argument !== undefined) out.nonLiteral++;
}

/** Iterative walk over the whole AST: imports can sit anywhere (inside functions, in mocks). */
function walk(root: unknown, out: ParsedImports): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push(value[i]);
      continue;
    }
    const node = value as Node;
    switch (node['type']) {
      case 'ImportDeclaration':
      case 'ExportAllDeclaration':
      case 'ExportNamedDeclaration': {
        const source = literalValue(node['source']);
        if (source !== undefined) out.imports.push({ specifier: source, kind: 'static' });
        break;
      }
      case 'TsExternalModuleReference': {
        const source = literalValue(node['expression']);
        if (source !== undefined) out.imports.push({ specifier: source, kind: 'static' });
        break;
      }
      case 'TsImportType': {
        const source = literalValue(node['argument']);
        if (source !== undefined) out.imports.push({ specifier: source, kind: 'static' });
        break;
      }
      case 'CallExpression':
        visitCall(node, out);
        break;
      default:
        break;
    }
    for (const key in node) {
      if (key === 'span' || key === 'type') continue;
      const child = node[key];
      if (child !== null && typeof child === 'object') stack.push(child);
    }
  }
}

/** Parses one file's source. Throws the parser's error when the file does not parse. */
export function extractImports(source: string, file: string): ParsedImports {
  const module = parseSync(source, parseOptionsFor(file));
  const out: ParsedImports = { imports: [], nonLiteral: 0 };
  walk(module, out);
  // Same specifier twice (import + mock) needs resolving only once; keep the first kind seen.
  const seen = new Set<string>();
  out.imports = out.imports.filter((r) => {
    if (seen.has(r.specifier)) return false;
    seen.add(r.specifier);
    return true;
  });
  return out;
}
