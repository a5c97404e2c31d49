/**
 * Resolves import specifiers the way TypeScript-aware runners do, with oxc-resolver: relative
 * paths, index files, `.js` written for `.ts`, `tsconfig` `paths` through `extends` (the nearest
 * tsconfig of the importing file), and packages' `exports`/`main`/`imports`. The answer is
 * classified for hashing:
 *
 * - `file`: a file inside the workspace (workspace packages reached through node_modules links
 *   resolve to their real source folder, so they are files too);
 * - `external`: a third-party package, keyed by name and installed version;
 * - `builtin`: a Node built-in, keyed by nothing (the Node version is part of the run's key);
 * - `unresolved`: a specifier that looks internal but resolves to nothing; its importer is wide.
 *
 * Before that, the importer's project's runner aliases apply (Jest `moduleNameMapper`, Vite
 * `resolve.alias`; the first that matches decides, as in the runners), and Jest `modulePaths` are
 * searched for bare specifiers that are not installed packages.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, relative, sep } from 'node:path';
import { ResolverFactory } from 'oxc-resolver';
import { toPosix } from '../util/paths';
import type { ProjectAliases, RunnerAlias } from './runner-aliases';

export type Resolution =
  | { kind: 'file'; path: string }
  | { kind: 'external'; id: string }
  | { kind: 'builtin'; id: string }
  | { kind: 'unresolved'; reason: string };

export interface ModuleResolverOptions {
  workspaceRoot: string;
  /** Names that belong to the workspace (workspace packages, tsconfig path keys): never external. */
  internalPrefixes?: readonly string[];
  /** The runner aliases that apply to imports of this (workspace-relative) file. */
  aliasesFor?: (importer: string) => ProjectAliases | undefined;
  /** Every project's runner aliases (read once, when first needed). */
  anyAliases?: () => readonly RunnerAlias[];
  /**
   * Every workspace file (workspace-relative). With it, relative specifiers that name a plain
   * file resolve from the list, without asking the file system; anything else goes to oxc.
   */
  files?: ReadonlySet<string>;
}

/** `.js` written for `.ts` and its kin: one table for oxc-resolver and the file-list path. */
const EXTENSION_ALIAS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
  '.jsx': ['.tsx', '.jsx'],
};

/** `a/b/../c/./d` → `a/c/d`; undefined when it leaves the workspace. */
function normalizeRelative(folder: string, specifier: string): string | undefined {
  const parts = folder === '' ? [] : folder.split('/');
  for (const part of specifier.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json', '.node'];

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

function isRelative(specifier: string): boolean {
  return (
    specifier === '.' ||
    specifier === '..' ||
    specifier.startsWith('./') ||
    specifier.startsWith('../') ||
    specifier.startsWith('/')
  );
}

function isMissing(resolution: Resolution): boolean {
  return resolution.kind === 'external' && resolution.id.endsWith('@missing');
}

export class ModuleResolver {
  private readonly resolver: ResolverFactory;
  private readonly root: string;
  private readonly internalPrefixes: readonly string[];
  private readonly aliasesFor: ModuleResolverOptions['aliasesFor'];
  private readonly anyAliases: ModuleResolverOptions['anyAliases'];
  private readonly files: ReadonlySet<string> | undefined;
  private everyAlias: readonly RunnerAlias[] | undefined;
  private readonly versions = new Map<string, string>();
  /** Resolution depends only on the importer's folder (tsconfig discovery included). */
  private readonly memo = new Map<string, Map<string, Resolution>>();
  /** The last importer's folder memo: a file's imports are resolved one after another. */
  private lastImporter: string | undefined;
  private lastMemo = new Map<string, Resolution>();

  constructor(options: ModuleResolverOptions) {
    this.root = realpathSync(options.workspaceRoot);
    this.internalPrefixes = options.internalPrefixes ?? [];
    this.aliasesFor = options.aliasesFor;
    this.anyAliases = options.anyAliases;
    this.files = options.files;
    this.resolver = new ResolverFactory({
      tsconfig: 'auto',
      extensions: EXTENSIONS,
      extensionAlias: EXTENSION_ALIAS,
      // Source-first conditions: workspace packages often point `types`/`development` at src.
      conditionNames: ['development', 'types', 'import', 'require', 'node', 'default'],
      mainFields: ['types', 'module', 'main'],
      symlinks: true,
    });
  }

  /** `importer` is workspace-relative. */
  resolve(importer: string, specifier: string): Resolution {
    if (importer !== this.lastImporter) {
      const folder = importer.slice(0, importer.lastIndexOf('/') + 1);
      let memo = this.memo.get(folder);
      if (memo === undefined) this.memo.set(folder, (memo = new Map()));
      this.lastImporter = importer;
      this.lastMemo = memo;
    }
    let resolution = this.lastMemo.get(specifier);
    if (resolution === undefined) {
      resolution = this.resolveUncached(importer, specifier);
      this.lastMemo.set(specifier, resolution);
    }
    return resolution;
  }

  private resolveUncached(importer: string, specifier: string): Resolution {
    const project = this.aliasesFor?.(importer);
    for (const alias of project?.aliases ?? []) {
      const targets = alias.rewrite(specifier);
      if (targets === undefined) continue;
      for (const target of targets) {
        const resolution = this.resolvePlain(importer, target);
        if (resolution.kind !== 'unresolved' && !isMissing(resolution)) return resolution;
      }
      // No target read, or none found: configs mostly mirror tsconfig `paths` (or use
      // vite-tsconfig-paths), so a workspace file found without the alias is taken as its target.
      const plain = this.resolvePlain(importer, specifier);
      if (plain.kind === 'file') return plain;
      return {
        kind: 'unresolved',
        reason: `${alias.source} maps "${specifier}" to nothing Shardwise can resolve`,
      };
    }
    const resolution = this.resolvePlain(importer, specifier);
    if (!isMissing(resolution)) return resolution;
    for (const folder of project?.modulePaths ?? []) {
      const inFolder = this.resolvePlain(importer, join(folder, specifier));
      if (inFolder.kind === 'file') return inFolder;
    }
    // Not installed, but another project's alias matches it: run as part of that project's
    // tests, this file loads what that alias names. Which project runs it is not known here.
    this.everyAlias ??= this.anyAliases?.() ?? [];
    const foreign = this.everyAlias.find((alias) => alias.rewrite(specifier) !== undefined);
    if (foreign !== undefined) {
      return {
        kind: 'unresolved',
        reason: `"${specifier}" is not installed; ${foreign.source} maps it for that project's tests`,
      };
    }
    return resolution;
  }

  /**
   * A relative specifier resolved from the file list, in the order oxc-resolver uses with the
   * options above: the extension alias (`.js` written for `.ts`), the exact path, the path with
   * each extension, then an index file. Undefined (ask oxc) when nothing matches, or when the
   * folder has a package.json (its `main` or `exports` decide).
   */
  private resolveFromList(importer: string, specifier: string): Resolution | undefined {
    const files = this.files;
    if (files === undefined || !(specifier.startsWith('./') || specifier.startsWith('../')))
      return undefined;
    const target = normalizeRelative(
      importer.slice(0, Math.max(0, importer.lastIndexOf('/'))),
      specifier,
    );
    if (target === undefined || target === '') return undefined;
    const found = (path: string): Resolution | undefined =>
      files.has(path) ? { kind: 'file', path } : undefined;
    const dot = target.lastIndexOf('.');
    const extension = dot > target.lastIndexOf('/') ? target.slice(dot) : '';
    const aliases = EXTENSION_ALIAS[extension];
    if (aliases !== undefined) {
      const stem = target.slice(0, -extension.length);
      for (const alias of aliases) {
        const hit = found(stem + alias);
        if (hit !== undefined) return hit;
      }
      return undefined;
    }
    const exact = found(target);
    if (exact !== undefined) return exact;
    for (const ext of EXTENSIONS) {
      const hit = found(target + ext);
      if (hit !== undefined) return hit;
    }
    if (files.has(`${target}/package.json`)) return undefined;
    for (const ext of EXTENSIONS) {
      const hit = found(`${target}/index${ext}`);
      if (hit !== undefined) return hit;
    }
    return undefined;
  }

  private resolvePlain(importer: string, specifier: string): Resolution {
    const listed = this.resolveFromList(importer, specifier);
    if (listed !== undefined) return listed;
    if (isBuiltin(specifier)) return { kind: 'builtin', id: specifier.replace(/^node:/, '') };
    const result = this.resolver.resolveFileSync(`${this.root}/${importer}`, specifier);
    if (result.path !== undefined) {
      const path = result.path;
      if (path.includes(`${sep}node_modules${sep}`) || !path.startsWith(this.root + sep)) {
        // A relative path out of the workspace is nothing a key can hold. A bare specifier is a
        // package: installed, or linked from outside (npm link, an enclosing repository), and
        // either way keyed by its name and version.
        if (isRelative(specifier)) {
          return { kind: 'unresolved', reason: `resolves outside the workspace (${specifier})` };
        }
        return { kind: 'external', id: this.externalId(specifier, result.packageJsonPath) };
      }
      return { kind: 'file', path: toPosix(relative(this.root, path)) };
    }
    if (isRelative(specifier) || specifier.startsWith('#') || this.looksInternal(specifier)) {
      return { kind: 'unresolved', reason: `cannot resolve "${specifier}"` };
    }
    // A bare specifier of a package that is not installed: keyed as missing, so installing it
    // changes the key.
    return { kind: 'external', id: `${packageNameOf(specifier)}@missing` };
  }

  private looksInternal(specifier: string): boolean {
    return this.internalPrefixes.some(
      (p) => specifier === p || specifier.startsWith(p.endsWith('/') ? p : `${p}/`),
    );
  }

  private externalId(specifier: string, packageJsonPath: string | undefined): string {
    const name = packageNameOf(specifier);
    if (packageJsonPath === undefined) return `${name}@unknown`;
    let version = this.versions.get(packageJsonPath);
    if (version === undefined) {
      try {
        const pkg = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version?: unknown };
        version = typeof pkg.version === 'string' ? pkg.version : 'unknown';
      } catch {
        version = 'unknown';
      }
      this.versions.set(packageJsonPath, version);
    }
    return `${name}@${version}`;
  }
}
