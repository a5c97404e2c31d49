/**
 * Finds the modules that run inside runner child processes (the Jest reporter, the Vitest driver,
 * the node:test reporter). They are TypeScript files in `child/` that tsc compiles beside this
 * file, so the built package loads `dist/runners/child/<name>.js`.
 *
 * When Shardwise itself runs from its TypeScript sources (its own unit tests under Vitest) there
 * is no compiled file beside this one; the source is then transpiled with @swc/core into a
 * content-addressed folder under the OS temp dir. That keeps the tests on the current source with
 * no build step and no stale `dist`. Child modules import nothing at run time but Node built-ins
 * (type-only imports are erased), so each one transpiles on its own.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Swc from '@swc/core';
import { ShardwiseError } from '../errors';

export type ChildModuleName = 'jest-reporter' | 'vitest-driver' | 'node-test-reporter';

export function childModulePath(name: ChildModuleName): string {
  const compiled = join(__dirname, 'child', `${name}.js`);
  if (existsSync(compiled)) return compiled;
  const source = join(__dirname, 'child', `${name}.ts`);
  if (existsSync(source)) return transpileChildModule(source, name);
  throw new ShardwiseError(
    'SHARDWISE_INTERNAL',
    `The runner module ${name} is missing: neither ${compiled} nor ${source} exists`,
  );
}

function transpileChildModule(source: string, name: ChildModuleName): string {
  // Loaded lazily: only the from-source path needs a transpiler.
  const swc = createRequire(__filename)('@swc/core') as typeof Swc;
  const code = readFileSync(source, 'utf8');
  const key = createHash('sha256').update(swc.version).update(code).digest('hex').slice(0, 16);
  const folder = join(tmpdir(), 'shardwise-child-modules', key);
  // .cjs: the temp folder has no package.json to say how a .js file should be loaded.
  const target = join(folder, `${name}.cjs`);
  if (existsSync(target)) return target;
  const output = swc.transformSync(code, {
    filename: source,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    // Keep `import()` real: the Vitest driver loads the ESM-only vitest/node with it.
    module: { type: 'commonjs', ignoreDynamic: true },
  });
  mkdirSync(folder, { recursive: true });
  // Written aside and renamed so that concurrent test workers never load a half-written file.
  const partial = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  writeFileSync(partial, output.code);
  renameSync(partial, target);
  return target;
}
