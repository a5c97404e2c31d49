/**
 * The resolution settings of a project's runner config that change what an import means: Jest's
 * `moduleNameMapper` and `modulePaths`, and Vite/Vitest's `resolve.alias`. Without them an
 * aliased import (`@/utils/x`, `@app/db`) looks like a package that is not installed, and the
 * files behind it would be missing from the closure.
 *
 * Configs are read statically (the runner's config is code and is never executed here). Values
 * Shardwise cannot read — a replacement computed by a function call it does not know — give an
 * alias with no target: an import it matches is unresolved, and its importer is keyed wide.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseSync } from '@swc/core';
import { dirnamePosix } from '../util/paths';
import { parseOptionsFor } from './parse-imports';

/** One alias: a specifier it matches becomes one of `targets` (tried in order). */
export interface RunnerAlias {
  /** Where it was read, for messages: `apps/api/jest.config.js: moduleNameMapper`. */
  source: string;
  /** Returns the rewritten specifiers, or undefined when the alias does not match. */
  rewrite: (specifier: string) => string[] | undefined;
}

export interface ProjectAliases {
  aliases: RunnerAlias[];
  /** Absolute folders searched for bare specifiers (Jest `modulePaths`). */
  modulePaths: string[];
}

type AstNode = Record<string, unknown>;

/** The name of an object key in swc's AST (an identifier or a string literal). */
export function keyName(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const key = node as AstNode;
  if (key['type'] === 'Identifier' && typeof key['value'] === 'string') return key['value'];
  if (key['type'] === 'StringLiteral' && typeof key['value'] === 'string') return key['value'];
  return undefined;
}

/** The key/value properties of an object expression (or of a JSON value given as one). */
function properties(node: unknown): Array<{ key: string | undefined; value: unknown }> {
  if (node === null || typeof node !== 'object') return [];
  const n = node as AstNode;
  const list = n['type'] === 'ObjectExpression' ? (n['properties'] as AstNode[]) : undefined;
  return (list ?? [])
    .filter((p) => p['type'] === 'KeyValueProperty')
    .map((p) => ({ key: keyName(p['key']), value: p['value'] }));
}

/** Every property named `name` anywhere in the tree (configs nest: `test`, `projects`, `resolve`). */
function findProperties(root: unknown, name: string): unknown[] {
  const found: unknown[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || typeof value !== 'object') continue;
    if (Array.isArray(value)) {
      stack.push(...(value as unknown[]));
      continue;
    }
    const node = value as AstNode;
    if (node['type'] === 'KeyValueProperty' && keyName(node['key']) === name)
      found.push(node['value']);
    for (const key in node) if (key !== 'span') stack.push(node[key]);
  }
  return found;
}

interface EvalContext {
  /** Absolute folder of the config file (`__dirname`, `import.meta.url`). */
  configDir: string;
  /** Top-level `const` declarations of the config: `const lib = (name) => …`, `const src = …`. */
  constants?: ReadonlyMap<string, AstNode>;
  /** Values of the parameters of the arrow function being applied. */
  bindings?: ReadonlyMap<string, string>;
  /** How many constants and functions deep the evaluation is (a cycle stops at the limit). */
  depth?: number;
}

const MAX_DEPTH = 16;

/** A config's top-level `const name = <expression>` declarations, by name. */
function topLevelConstants(module: unknown): Map<string, AstNode> {
  const constants = new Map<string, AstNode>();
  const body = (module as AstNode | null)?.['body'];
  if (!Array.isArray(body)) return constants;
  for (const statement of body as AstNode[]) {
    if (statement['type'] !== 'VariableDeclaration' || statement['kind'] !== 'const') continue;
    for (const declarator of statement['declarations'] as AstNode[]) {
      const name = keyName(declarator['id']);
      const init = declarator['init'] as AstNode | null | undefined;
      if (name !== undefined && init) constants.set(name, init);
    }
  }
  return constants;
}

/** `(name) => expression` applied to evaluated arguments; undefined for other functions. */
function applyArrow(arrow: AstNode, args: string[], context: EvalContext): string | undefined {
  if (arrow['type'] !== 'ArrowFunctionExpression') return undefined;
  const params = (arrow['params'] as AstNode[]).map((p) => keyName(p));
  const body = arrow['body'] as AstNode;
  if (params.some((p) => p === undefined) || body['type'] === 'BlockStatement') return undefined;
  const bindings = new Map(params.map((p, i) => [p!, args[i] ?? '']));
  const depth = (context.depth ?? 0) + 1;
  return depth > MAX_DEPTH ? undefined : evaluatePath(body, { ...context, bindings, depth });
}

/** The string a small, common set of expressions evaluates to; undefined for anything else. */
export function evaluatePath(node: unknown, context: EvalContext): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  const n = node as AstNode;
  switch (n['type']) {
    case 'StringLiteral':
      return typeof n['value'] === 'string' ? n['value'] : undefined;
    case 'Identifier': {
      const name = String(n['value']);
      if (name === '__dirname') return context.configDir;
      const bound = context.bindings?.get(name);
      if (bound !== undefined) return bound;
      const constant = context.constants?.get(name);
      // A constant is evaluated without the caller's bindings, as its scope is the module's.
      const depth = (context.depth ?? 0) + 1;
      return constant === undefined || depth > MAX_DEPTH
        ? undefined
        : evaluatePath(constant, { ...context, bindings: undefined, depth });
    }
    case 'TsAsExpression':
    case 'TsSatisfiesExpression':
    case 'ParenthesisExpression':
      return evaluatePath(n['expression'], context);
    case 'MemberExpression': {
      // import.meta.dirname, new URL(…).pathname
      const property = keyName(n['property']);
      const object = n['object'] as AstNode;
      if (object['type'] === 'MetaProperty' && property === 'dirname') return context.configDir;
      if (property === 'pathname') return evaluatePath(object, context);
      return undefined;
    }
    case 'TemplateLiteral': {
      const quasis = n['quasis'] as AstNode[];
      const expressions = n['expressions'] as unknown[];
      let out = '';
      for (let i = 0; i < quasis.length; i++) {
        const cooked = quasis[i]?.['cooked'] ?? quasis[i]?.['raw'];
        if (typeof cooked !== 'string') return undefined;
        out += cooked;
        if (i < expressions.length) {
          const part = evaluatePath(expressions[i], context);
          if (part === undefined) return undefined;
          out += part;
        }
      }
      return out;
    }
    case 'NewExpression': {
      // new URL('./src', import.meta.url)
      const callee = keyName(n['callee']);
      const args = (n['arguments'] as AstNode[] | undefined)?.map((a) => a['expression']) ?? [];
      if (callee !== 'URL' || args.length !== 2) return undefined;
      const base = args[1] as AstNode;
      const isMetaUrl =
        base['type'] === 'MemberExpression' &&
        (base['object'] as AstNode)['type'] === 'MetaProperty' &&
        keyName(base['property']) === 'url';
      const path = evaluatePath(args[0], context);
      if (!isMetaUrl || path === undefined) return undefined;
      // A URL keeps its trailing slash (`${dir}index.ts` relies on it); path.resolve drops it.
      return resolve(context.configDir, path) + (path.endsWith('/') ? '/' : '');
    }
    case 'CallExpression': {
      const callee = n['callee'] as AstNode;
      const name =
        callee['type'] === 'MemberExpression' ? keyName(callee['property']) : keyName(callee);
      const args = (n['arguments'] as AstNode[] | undefined)?.map((a) =>
        evaluatePath(a['expression'], context),
      );
      if (args === undefined || args.some((a) => a === undefined)) return undefined;
      const parts = args as string[];
      if (name === 'resolve') return resolve(...parts);
      if (name === 'join') return join(...parts);
      if (name === 'fileURLToPath' && parts.length === 1) return parts[0];
      const local =
        callee['type'] === 'Identifier'
          ? context.constants?.get(String(callee['value']))
          : undefined;
      return local === undefined ? undefined : applyArrow(local, parts, context);
    }
    default:
      return undefined;
  }
}

/**
 * Jest: `^@app/(.*)$` → `<rootDir>/src/$1` (a string or a list tried in order). Targets Shardwise
 * cannot read (undefined) still match, with nothing to resolve to.
 */
function jestMapper(
  pattern: string,
  targets: string[] | undefined,
  rootDir: string,
  source: string,
): RunnerAlias | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch {
    return undefined;
  }
  return {
    source,
    rewrite: (specifier) => {
      const match = regex.exec(specifier);
      if (match === null) return undefined;
      return (targets ?? []).map((target) =>
        target
          .replace(/<rootDir>/g, rootDir)
          .replace(/\$(\d+)/g, (_, i: string) => match[Number(i)] ?? ''),
      );
    },
  };
}

/** Vite: a string `find` matches itself or itself followed by `/…`; a regex `find` replaces. */
function viteAlias(
  find: { text: string } | { regex: RegExp },
  replacement: string | undefined,
  source: string,
): RunnerAlias {
  return {
    source,
    rewrite: (specifier) => {
      if ('text' in find) {
        if (specifier !== find.text && !specifier.startsWith(`${find.text}/`)) return undefined;
        return replacement === undefined ? [] : [replacement + specifier.slice(find.text.length)];
      }
      if (!find.regex.test(specifier)) return undefined;
      return replacement === undefined ? [] : [specifier.replace(find.regex, replacement)];
    },
  };
}

function regexLiteral(node: unknown): RegExp | undefined {
  const n = node as AstNode | null;
  if (n?.['type'] !== 'RegExpLiteral') return undefined;
  try {
    return new RegExp(String(n['pattern']), String(n['flags'] ?? ''));
  } catch {
    return undefined;
  }
}

function stringsOf(node: unknown): string[] | undefined {
  const n = node as AstNode | null;
  if (n?.['type'] === 'StringLiteral') return [String(n['value'])];
  if (n?.['type'] === 'ArrayExpression') {
    const items = (n['elements'] as Array<AstNode | null>).map((e) => e?.['expression'] as AstNode);
    if (items.every((i) => i?.['type'] === 'StringLiteral'))
      return items.map((i) => String(i['value']));
  }
  return undefined;
}

/** A JSON config in the shape of swc's AST, so JSON and code configs share one reader. */
function jsonAsAst(value: unknown): unknown {
  if (typeof value === 'string') return { type: 'StringLiteral', value };
  if (Array.isArray(value))
    return { type: 'ArrayExpression', elements: value.map((v) => ({ expression: jsonAsAst(v) })) };
  if (value !== null && typeof value === 'object') {
    return {
      type: 'ObjectExpression',
      properties: Object.entries(value).map(([key, inner]) => ({
        type: 'KeyValueProperty',
        key: { type: 'StringLiteral', value: key },
        value: jsonAsAst(inner),
      })),
    };
  }
  return null;
}

function readConfigAst(workspaceRoot: string, configFile: string): unknown {
  const text = readFileSync(join(workspaceRoot, configFile), 'utf8');
  if (configFile.endsWith('.json')) {
    const json = JSON.parse(text) as unknown;
    return jsonAsAst(
      configFile.endsWith('package.json') ? (json as { jest?: unknown })?.jest : json,
    );
  }
  return parseSync(text, parseOptionsFor(configFile));
}

/** The aliases and module paths a project's runner configs declare. */
export function readRunnerAliases(
  workspaceRoot: string,
  configFiles: readonly string[],
  projectRoot: string,
): ProjectAliases {
  const out: ProjectAliases = { aliases: [], modulePaths: [] };
  const projectDir = join(workspaceRoot, projectRoot);
  for (const configFile of configFiles) {
    let ast: unknown;
    try {
      ast = readConfigAst(workspaceRoot, configFile);
    } catch {
      continue; // An unreadable config is the runner's error to report.
    }
    const configDir = join(workspaceRoot, dirnamePosix(configFile));
    // A config with `projects` holds several projects' settings, and which entry's aliases
    // apply to a file is not read here: an import any of them matches resolves to nothing
    // (its importer is keyed wide) rather than perhaps to another project's file.
    const severalProjects = findProperties(ast, 'projects').length > 0;
    const start = out.aliases.length;
    const context: EvalContext = { configDir, constants: topLevelConstants(ast) };
    const rootDirValue = findProperties(ast, 'rootDir')
      .map((v) => evaluatePath(v, context))
      .find((v) => v !== undefined);
    const rootDir =
      rootDirValue === undefined
        ? projectDir
        : isAbsolute(rootDirValue)
          ? rootDirValue
          : resolve(configDir, rootDirValue);

    for (const mapper of findProperties(ast, 'moduleNameMapper')) {
      for (const { key, value } of properties(mapper)) {
        if (key === undefined) continue;
        const source = `${configFile}: moduleNameMapper["${key}"]`;
        const alias = jestMapper(key, stringsOf(value), rootDir, source);
        if (alias !== undefined) out.aliases.push(alias);
      }
    }
    for (const list of findProperties(ast, 'modulePaths')) {
      for (const dir of stringsOf(list) ?? []) {
        const absolute = dir.replace(/<rootDir>/g, rootDir);
        out.modulePaths.push(isAbsolute(absolute) ? absolute : resolve(rootDir, absolute));
      }
    }
    for (const alias of findProperties(ast, 'alias')) {
      const n = alias as AstNode | null;
      const source = `${configFile}: resolve.alias`;
      if (n?.['type'] === 'ArrayExpression') {
        for (const element of n['elements'] as Array<AstNode | null>) {
          const entry = properties(element?.['expression']);
          const findNode = entry.find((p) => p.key === 'find')?.value;
          const replacementNode = entry.find((p) => p.key === 'replacement')?.value;
          const regex = regexLiteral(findNode);
          const text = evaluatePath(findNode, context);
          const replacement = evaluatePath(replacementNode, context);
          if (regex !== undefined) out.aliases.push(viteAlias({ regex }, replacement, source));
          else if (text !== undefined) out.aliases.push(viteAlias({ text }, replacement, source));
        }
      } else {
        for (const { key, value } of properties(alias)) {
          if (key === undefined) continue;
          out.aliases.push(viteAlias({ text: key }, evaluatePath(value, context), source));
        }
      }
    }
    if (severalProjects) {
      for (let i = start; i < out.aliases.length; i++) {
        const alias = out.aliases[i]!;
        out.aliases[i] = {
          source: `${alias.source} (in a config with several projects)`,
          rewrite: (specifier) => (alias.rewrite(specifier) === undefined ? undefined : []),
        };
      }
    }
  }
  return out;
}
