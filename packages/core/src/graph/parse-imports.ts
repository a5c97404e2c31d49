/**
 * Extracts every module reference of a source file: static imports (type-only too), re-exports,
 * `import x = require()`, literal `import()` and `require()`, `require.resolve`, TypeScript
 * `import('x')` types, and the paths given to `jest.mock`/`vi.mock` and their relatives. A
 * reference whose argument is not a string literal is recorded as non-literal: the file cannot be
 * traced statically and its tests are keyed on their whole project.
 *
 * Three paths give the same answer, fastest first:
 * 1. es-module-lexer (TypeScript-aware, about seven times faster than oxc's module record). A
 *    lexer is not a parser, so its answer is taken only when it found an import at exactly every
 *    place the text shows one (`from '…'`, `import '…'`, `import(`). `require()` and mock calls
 *    are read from the text on this path when every one has a plain literal argument (one that
 *    sits in a comment is taken too: an input too many, never one too few). Anything else, a
 *    lexing error, or JSX the lexer cannot read moves the file on to
 * 2. oxc-parser's module record, which lists import/export declarations and literal `import()`
 *    without handing an AST to JavaScript; a TypeScript import type, a syntax error, or a file that
 *    mentions `require`, `jest` or `vi` moves on to
 * 3. the full AST walk with @swc/core.
 */
import { parseSync, version as swcVersion, type ParseOptions } from '@swc/core';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as lexModule, type Import } from 'es-module-lexer';
import { parseSync as oxcParseSync } from 'oxc-parser';
import { version as oxcVersion } from 'oxc-parser/package.json';

// es-module-lexer exports no package.json; its entry point sits in dist/.
const lexerVersion = (
  JSON.parse(
    readFileSync(join(dirname(require.resolve('es-module-lexer')), '..', 'package.json'), 'utf8'),
  ) as { version: string }
).version;

/** Names what extracted a cached parse: a new parser or extraction rule starts a new cache. */
export const PARSER_ID = `swc@${swcVersion}+oxc@${oxcVersion}+esml@${lexerVersion}/v5`;

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

/** Whitespace, block comments and line comments (which any line terminator ends). */
const GAP = String.raw`\s*(?:(?:\/\*[\s\S]*?\*\/|\/\/[^\n\r\u2028\u2029]*[\n\r\u2028\u2029])\s*)*`;
/**
 * Text that only the full AST walk handles: calls and mocks the module record does not list,
 * `export {} from` (no entries, so the record shows no request), ambient
 * `declare module 'x' { import … }` blocks (their imports are not in the record), and unicode
 * escapes, which may spell an identifier (`r\u0065quire`) no text check would see.
 */
const NEEDS_FULL_WALK = new RegExp(
  String.raw`\b(?:require|jest|vi)\b|\\u|\bexport${GAP}(?:type${GAP})?\{${GAP}\}${GAP}from\b|\bdeclare${GAP}module\b`,
);
/** `import(`, `import.defer(` and `import.source(`, with whatever gap between the tokens. */
const IMPORT_CALL = new RegExp(
  String.raw`\bimport${GAP}(?:\.${GAP}(?:defer|source)${GAP})?\(`,
  'g',
);
/**
 * The quote that opens a static request: `from '…'` (imports and re-exports) or `import '…'`.
 * Every static import in valid code matches; so may text in comments and strings.
 */
const STATIC_REQUEST = new RegExp(String.raw`\b(?:from|import)${GAP}['"]`, 'g');
/** A plain string or a template without substitutions, with no escapes to decode. */
// A template's cooked value turns CR and CRLF into LF; one holding a CR is left to the parsers.
const LITERAL = String.raw`(?:'([^'\\\n]*)'|"([^"\\\n]*)"|\`((?:[^\`\\$\r]|\$(?!\{))*)\`)`;
const PLAIN_LITERAL = new RegExp(`^${LITERAL}$`);
/**
 * `require`, `jest` or `vi` as a whole word. Properties count too (`module.require('x')`, which
 * the walk does not report, is taken): the text path may take more, never less.
 */
const CALLEE_WORD = /(?<![\w$])(?:require|jest|vi)(?![\w$])/g;
/** `require('x')` or `require.resolve('x')`, tried where the word starts. */
const REQUIRE_CALL = new RegExp(
  String.raw`require(?:${GAP}\.${GAP}resolve)?${GAP}\(${GAP}${LITERAL}${GAP}\)`,
  'y',
);
/** `typeof require`: names require without calling it. */
const TYPEOF_BEFORE = /\btypeof\s*$/;
/** `require` followed by what makes it a call or a member access: `(`, `.`, `<`, `?`, `[`. */
const REQUIRE_USED = new RegExp(String.raw`require${GAP}[(.<?[]`, 'y');
/** `jest.<member>` or `vi.<member>`, tried where the word starts. */
const MOCK_MEMBER = new RegExp(String.raw`(?:jest|vi)${GAP}\.${GAP}([A-Za-z_$][\w$]*)`, 'y');
/** The rest of a mock call with a literal first argument: `('x')` or `('x', …`. */
const MOCK_CALL_REST = new RegExp(String.raw`${GAP}\(${GAP}${LITERAL}${GAP}[,)]`, 'y');

const literalValueOf = (match: RegExpExecArray, first: number): string =>
  match[first] ?? match[first + 1] ?? match[first + 2] ?? '';

interface PositionedImport extends ImportRecord {
  start: number;
}

/**
 * The `require(…)` and `jest.mock(…)`-family calls of a file, read from its text, when every one
 * has a plain literal first argument. Undefined when any mention of `require`, or any call of a
 * mock method, is something else (a non-literal argument, `require.cache`, …): the AST walk then
 * decides. A literal call that sits in a comment or a string is taken too: an input too many,
 * never one too few.
 */
function literalCallsInText(source: string): ImportRecord[] | undefined {
  const found: ImportRecord[] = [];
  for (const word of source.matchAll(CALLEE_WORD)) {
    const at = word.index;
    if (word[0] === 'require') {
      REQUIRE_CALL.lastIndex = at;
      const call = REQUIRE_CALL.exec(source);
      if (call !== null) {
        found.push({ specifier: literalValueOf(call, 1), kind: 'require' });
      } else {
        // Only a bare `typeof require` (not `typeof require(x)`) names it without a call.
        REQUIRE_USED.lastIndex = at;
        if (REQUIRE_USED.test(source)) return undefined;
        if (!TYPEOF_BEFORE.test(source.slice(Math.max(0, at - 16), at))) return undefined;
      }
      continue;
    }
    MOCK_MEMBER.lastIndex = at;
    const member = MOCK_MEMBER.exec(source);
    // `vi.fn()`, `import { vi } from 'vitest'`: no module named.
    if (member === null || !MOCK_METHODS.has(member[1] ?? '')) continue;
    MOCK_CALL_REST.lastIndex = MOCK_MEMBER.lastIndex;
    const call = MOCK_CALL_REST.exec(source);
    if (call === null) return undefined;
    found.push({ specifier: literalValueOf(call, 1), kind: 'mock' });
  }
  return found;
}

function matchPositions(source: string, pattern: RegExp, at: (m: RegExpExecArray) => number) {
  const positions = new Set<number>();
  for (const match of source.matchAll(pattern)) positions.add(at(match));
  return positions;
}

/**
 * Text the lexer path leaves to the parsers: a unicode escape (it may spell `require` or `jest`
 * where the text checks cannot see it), U+2028/U+2029 (line terminators the lexer does not end a
 * line comment at), and NEL or a zero-width space (whitespace to some parsers, not to the checks).
 */
const LEXER_UNSURE = /\\u|[\u0085\u200b\u2028\u2029]/;

/**
 * The first path: es-module-lexer, plus `require()` and mock calls read from the text (see
 * literalCallsInText). Undefined unless the lexer reported an import at exactly the places the
 * text shows one. The text check finds every real import (it over-counts only in comments and
 * strings), so a lexer that mis-read some code and lost an import cannot pass it.
 */
export function extractImportsWithLexer(source: string, file: string): ParsedImports | undefined {
  if (LEXER_UNSURE.test(source)) return undefined;
  const found = literalCallsInText(source);
  if (found === undefined) return undefined;
  let records: ReadonlyArray<Import>;
  try {
    [records] = lexModule(source, file);
  } catch {
    return undefined; // JSX, or code the lexer cannot follow.
  }
  const requests = matchPositions(source, STATIC_REQUEST, (m) => m.index + m[0].length - 1);
  const calls = matchPositions(source, IMPORT_CALL, (m) => m.index);
  let requestsSeen = 0;
  let callsSeen = 0;
  for (const record of records) {
    if (record.type === 'import-meta') continue;
    if (record.type === 'dynamic') {
      // import.source()/import.defer() are rare enough to leave to the parser.
      if (record.phase !== null || !calls.has(record.importStart)) return undefined;
      // A non-literal argument makes the file wide, so let the parser confirm it is a call (a
      // method named `import` lexes the same way).
      if (record.specifier === undefined || record.glob) return undefined;
      callsSeen++;
      // `typeof import('x')` and the like: an import type, as the full walk reports it.
      const kind = record.probablyTypeOnly ? 'static' : 'dynamic';
      found.push({ specifier: record.specifier, kind });
    } else {
      // `start` is the first character inside the quotes.
      if (!requests.has(record.start - 1)) return undefined;
      requestsSeen++;
      found.push({ specifier: record.specifier, kind: 'static' });
    }
  }
  if (requestsSeen !== requests.size || callsSeen !== calls.size) return undefined;
  return { imports: found, nonLiteral: 0 };
}

/**
 * The second path: the module record of oxc-parser. Undefined when the file needs the full walk
 * (see NEEDS_FULL_WALK) or oxc reports a syntax error (the full walk then decides).
 */
export function extractImportsFromModuleRecord(
  source: string,
  file: string,
): ParsedImports | undefined {
  if (NEEDS_FULL_WALK.test(source)) return undefined;
  const importCalls = source.match(IMPORT_CALL)?.length ?? 0;
  const result = oxcParseSync(file, source);
  if (result.errors.length > 0) return undefined;
  const { staticImports, staticExports, dynamicImports } = result.module;
  // Every `import(` must be a dynamic import the record lists; the rest are import types.
  if (dynamicImports.length !== importCalls) return undefined;
  const found: PositionedImport[] = [];
  for (const entry of staticImports) {
    found.push({ specifier: entry.moduleRequest.value, kind: 'static', start: entry.start });
  }
  for (const declaration of staticExports) {
    for (const entry of declaration.entries) {
      if (entry.moduleRequest !== null) {
        found.push({ specifier: entry.moduleRequest.value, kind: 'static', start: entry.start });
      }
    }
  }
  let nonLiteral = 0;
  for (const call of dynamicImports) {
    const text = source.slice(call.moduleRequest.start, call.moduleRequest.end);
    const literal = PLAIN_LITERAL.exec(text);
    if (literal === null) {
      // A literal this check cannot read (escapes, a CR in a template): the full walk decodes it.
      if (/^['"`]/.test(text) && /['"`]$/.test(text) && /[\\\r]/.test(text)) return undefined;
      nonLiteral++;
      continue;
    }
    const specifier = literal[1] ?? literal[2] ?? literal[3] ?? '';
    found.push({ specifier, kind: 'dynamic', start: call.start });
  }
  found.sort((a, b) => a.start - b.start);
  return { imports: found.map(({ specifier, kind }) => ({ specifier, kind })), nonLiteral };
}

function extractImportsByWalk(source: string, file: string): ParsedImports {
  const module = parseSync(source, parseOptionsFor(file));
  const out: ParsedImports = { imports: [], nonLiteral: 0 };
  walk(module, out);
  return out;
}

/**
 * One record per specifier and role, in a canonical order (the paths find them in different
 * orders). A specifier both imported and mocked keeps both: the mock looks for a manual mock,
 * the import makes an unresolved specifier wide.
 */
function canonicalImports(out: ParsedImports): ParsedImports {
  const byKey = new Map<string, ImportRecord>();
  for (const record of out.imports) {
    const key = `${record.kind === 'mock' ? 'm' : 'i'}\0${record.specifier}`;
    if (!byKey.has(key)) byKey.set(key, record);
  }
  out.imports = [...byKey.values()].sort((a, b) =>
    a.specifier === b.specifier ? a.kind.localeCompare(b.kind) : a.specifier < b.specifier ? -1 : 1,
  );
  return out;
}

/** Parses one file's source. Throws the parser's error when the file does not parse. */
export function extractImports(source: string, file: string): ParsedImports {
  return canonicalImports(
    extractImportsWithLexer(source, file) ??
      extractImportsFromModuleRecord(source, file) ??
      extractImportsByWalk(source, file),
  );
}

/** The full walk alone (tests compare the two paths). */
export function extractImportsWithFullWalk(source: string, file: string): ParsedImports {
  return canonicalImports(extractImportsByWalk(source, file));
}
