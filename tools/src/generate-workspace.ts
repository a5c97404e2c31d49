/**
 * Synthetic Nx workspace generator for benchmarks and soak runs (contracts §9).
 *
 *   node tools/dist/generate-workspace.js --size plan --out /tmp/ws [--seed 1]
 *     [--runners jest,vitest,node] [--cost-scale 0.05] [--force]
 *   node tools/dist/generate-workspace.js --size custom --projects 6 --source-files 300 \
 *     --test-files 60 --out /tmp/ws
 *
 * The same options give a byte-identical tree (mulberry32 seeded PRNG, no clock). Shape:
 * - root `package.json`, `nx.json` (plugin `@shardwise/nx`), `tsconfig.base.json` whose `paths`
 *   map `@gen/<lib>` to `libs/<lib>/src/index.ts` (`index.js` for node:test libs), README.md and
 *   `generate-summary.json` (the GenerateSummary, including the outcomes the tests will have);
 * - about 1/4 apps (`apps/<name>`, entry `src/main.*`) and 3/4 libs (`libs/<name>`, entry
 *   `src/index.*` re-exporting its folders), layered: shared libs at the bottom are used by many,
 *   apps at the top; each with `project.json` and a `tsconfig.json` extending the base;
 * - source files of 40–200 lines with 3–8 imports each (relative `./x`, `../dir/y`, `./dir`
 *   index imports, `.js` written for `.ts`, `@gen/*` aliases, `import type`, guarded `require()`,
 *   literal `import()`, `node:*` builtins, a few small import cycles per project). Folder
 *   `index` files hold only their 3–8 re-exports and are shorter;
 * - test files beside sources, in `src/__tests__/` or in `tests/`, by category: unit
 *   (`*.test.ts` / `*.spec.ts`), `*.int.test.ts`, `*.smoke.test.ts`, `*.e2e.test.ts`,
 *   `*.perf.test.ts`.
 *
 * Runners, round-robin over `runners` in layer order:
 * - jest: TypeScript, `jest.config.js` (CommonJS) transforming with `@swc/jest` (it must be
 *   installed where the workspace runs) and mapping the aliases and `.js` specifiers;
 * - vitest: TypeScript, `vitest.config.mts` with `resolve.alias` (no plugin needed);
 * - node: plain ESM JavaScript (`package.json` with `"type": "module"`, sources `*.js`, tests
 *   `*.test.js`, never `.spec.js`, which Node 20's `node --test` does not find) so that
 *   `node --test` runs it on Node 20 without a TypeScript loader. Node cannot resolve `@gen/*`
 *   there, so node:test projects depend only on node:test libs, through relative paths to their
 *   `src/index.js`; TypeScript projects depend only on TypeScript libs.
 *
 * Test costs are planned per case and recorded in the summary: `cpu` (sha256 loop), `timer`
 * (setTimeout), `fs` (temp-file write and read), `net` (loopback echo), `slow` (~2% of files have
 * one 1.5–3 s case), `trivial`; ~1% of files have one flaky case (rule in emitTest). `quick` is
 * normalised to ~35 s of serial test time; `plan` and `nx` are scaled to 5% (planning benchmarks,
 * not run benchmarks). `nx` has 25,000 source files (plan's ratio of 5 per test file).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng } from './prng';
import type { Rng } from './prng';
import {
  BUILTIN_NAMES,
  caseName,
  emitIndex,
  emitModule,
  emitTest,
  jestConfig,
  suiteName,
  vitestConfig,
} from './generate-workspace-emit';
import {
  COST_KINDS,
  RUNNER_KINDS,
  TEST_CATEGORIES,
  functionName,
  typeName,
} from './generate-workspace-model';
import type {
  CostKind,
  DirPlan,
  ImportSpec,
  ProjectPlan,
  RunnerKind,
  SourceFile,
  TestCategory,
  TestFilePlan,
} from './generate-workspace-model';

export type { CostKind, RunnerKind, TestCategory } from './generate-workspace-model';

export interface CustomSize {
  projects: number;
  sourceFiles: number;
  testFiles: number;
}

export type SizeName = 'quick' | 'plan' | 'nx';

export interface GenerateOptions {
  outDir: string;
  size: SizeName | CustomSize;
  /** Default 1. */
  seed?: number;
  /** Runners assigned round-robin to projects; default all three. */
  runners?: RunnerKind[];
  /** Multiplies every planned test duration; default 1 (quick, custom) or 0.05 (plan, nx). */
  costScale?: number;
  /** Which kinds of test cost dominate; default `mixed`. */
  costMix?: CostMixName;
  /** Replace outDir when it holds an earlier generated workspace (a generate-summary.json). */
  force?: boolean;
}

export interface OutcomeCounts {
  passed: number;
  failed: number;
  flaky: number;
}

export interface GenerateSummary {
  generator: 'shardwise-generate-workspace';
  size: string;
  seed: number;
  runners: RunnerKind[];
  costScale: number;
  projects: number;
  sourceFiles: number;
  testFiles: number;
  /** Files written, generate-summary.json included. */
  files: number;
  /** Bytes written, generate-summary.json excluded. */
  bytes: number;
  /** Test cases. */
  tests: number;
  /** Test cases per category. */
  testsByCategory: Record<TestCategory, number>;
  testFilesByCategory: Record<TestCategory, number>;
  /** Test cases per cost kind, and how many of them are flaky. */
  costMix: Record<CostKind | 'flaky', number>;
  /** Sum of every case's planned time (CPU at its nominal rate), without runner overhead. */
  estimatedSerialMs: number;
  /** Outcomes of a first attempt of every test: each flaky case fails once. */
  expected: OutcomeCounts;
  /** Outcomes with one retry of failed tests: every flaky case passes on its retry. */
  expectedWithRetry: OutcomeCounts;
  flakyTests: { file: string; name: string }[];
  slowTests: { file: string; name: string; ms: number }[];
  projectList: {
    name: string;
    root: string;
    kind: 'app' | 'lib';
    runner: RunnerKind;
    deps: string[];
    sourceFiles: number;
    testFiles: number;
    tests: number;
    estimatedSerialMs: number;
  }[];
}

export const NAMED_SIZES: Readonly<Record<SizeName, CustomSize>> = {
  quick: { projects: 4, sourceFiles: 120, testFiles: 40 },
  plan: { projects: 20, sourceFiles: 10_000, testFiles: 2_000 },
  nx: { projects: 50, sourceFiles: 25_000, testFiles: 5_000 },
};

interface CostProfile {
  casesMin: number;
  casesMax: number;
  scale: number;
  /** Serial time the non-slow cases are normalised to (with the slow ones added). */
  targetSerialMs: number | undefined;
}

const PROFILES: Record<SizeName | 'custom', CostProfile> = {
  quick: { casesMin: 4, casesMax: 8, scale: 1, targetSerialMs: 35_000 },
  plan: { casesMin: 1, casesMax: 6, scale: 0.05, targetSerialMs: undefined },
  nx: { casesMin: 1, casesMax: 6, scale: 0.05, targetSerialMs: undefined },
  custom: { casesMin: 2, casesMax: 6, scale: 1, targetSerialMs: undefined },
};

/** The fewest source files a project can have: entry, one folder index and six modules. */
const MIN_SOURCES_PER_PROJECT = 8;

const SHARED_NOUNS = ['util', 'types', 'config', 'logging', 'errors', 'ids', 'time', 'events'];
const DATA_NOUNS = ['users', 'orders', 'billing', 'inventory', 'accounts', 'payments', 'catalog'];
const FEATURE_NOUNS = ['checkout', 'search', 'notifications', 'reporting', 'pricing', 'shipping'];
const APP_NAMES = ['api', 'worker', 'admin', 'gateway', 'scheduler', 'ingest', 'notifier', 'sync'];
const DIR_NAMES = [
  'core',
  'model',
  'util',
  'services',
  'handlers',
  'repositories',
  'domain',
  'http',
  'jobs',
  'config',
  'events',
  'mappers',
  'validation',
  'cache',
  'auth',
  'metrics',
  'queues',
  'storage',
  'schemas',
  'adapters',
  'clients',
  'policies',
  'reports',
  'workflows',
];
const FILE_NOUNS = [
  'order',
  'invoice',
  'account',
  'ledger',
  'payment',
  'customer',
  'session',
  'token',
  'report',
  'schedule',
  'cart',
  'price',
  'refund',
  'shipment',
  'user',
  'role',
  'event',
  'metric',
  'batch',
  'tenant',
];
const FILE_ROLES = [
  'parser',
  'mapper',
  'store',
  'service',
  'validator',
  'builder',
  'policy',
  'client',
  'formatter',
  'router',
  'handler',
  'resolver',
  'adapter',
  'model',
  'codec',
  'planner',
  'reducer',
  'guard',
  'loader',
  'writer',
];

const CATEGORY_WEIGHTS: Record<TestCategory, number> = {
  unit: 0.68,
  integration: 0.14,
  smoke: 0.07,
  e2e: 0.06,
  performance: 0.05,
};
const CATEGORY_SUFFIX: Record<TestCategory, string> = {
  unit: '',
  integration: '.int',
  smoke: '.smoke',
  e2e: '.e2e',
  performance: '.perf',
};
/** Cost mixes: `mixed` is the default; `io` and `cpu` make suites that are bound by one resource. */
export const COST_MIXES = {
  mixed: { trivial: 0.15, cpu: 0.35, timer: 0.25, fs: 0.15, net: 0.1 },
  io: { trivial: 0.1, timer: 0.5, fs: 0.2, net: 0.2 },
  cpu: { trivial: 0.1, cpu: 0.9 },
} as const;
export type CostMixName = keyof typeof COST_MIXES;
const SLOW_FILE_SHARE = 0.02;
const FLAKY_FILE_SHARE = 0.01;

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Splits `total` over `weights` (largest remainder), each part at least `min`. */
function allocate(total: number, weights: number[], min: number): number[] {
  const parts = weights.map(() => min);
  const rest = total - min * weights.length;
  if (rest <= 0) return parts;
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (rest * w) / sum);
  let given = 0;
  exact.forEach((value, i) => {
    const floor = Math.floor(value);
    parts[i] = (parts[i] ?? 0) + floor;
    given += floor;
  });
  const order = exact
    .map((value, i) => ({ i, frac: value - Math.floor(value) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (let k = 0; k < rest - given; k++) {
    const slot = order[k % order.length];
    if (slot) parts[slot.i] = (parts[slot.i] ?? 0) + 1;
  }
  return parts;
}

/** Picks up to `count` distinct items, biased towards the start of the list. */
function pickBiased<T>(rng: Rng, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) {
    const weights: Record<string, number> = {};
    pool.forEach((_, i) => (weights[String(i)] = 1 / (i + 1)));
    const index = Number(rng.weighted(weights));
    const [item] = pool.splice(index, 1);
    if (item !== undefined) chosen.push(item);
  }
  return chosen;
}

function uniqueName(taken: Set<string>, base: string): string {
  let name = base;
  for (let round = 2; taken.has(name); round++) name = `${base}-${round}`;
  taken.add(name);
  return name;
}

function planProjects(rng: Rng, size: CustomSize, runners: RunnerKind[]): ProjectPlan[] {
  const total = size.projects;
  const apps = total >= 2 ? Math.max(1, Math.round(total / 4)) : 0;
  const libs = total - apps;
  const shared = libs > 0 ? Math.max(1, Math.round(libs * 0.3)) : 0;
  const data = Math.round(libs * 0.35);
  const taken = new Set<string>();
  const projects: ProjectPlan[] = [];
  for (let index = 0; index < total; index++) {
    let tier: ProjectPlan['tier'];
    let name: string;
    if (index < shared) {
      tier = 'shared';
      name = `shared-${SHARED_NOUNS[index % SHARED_NOUNS.length] ?? 'lib'}`;
    } else if (index < shared + data) {
      tier = 'data';
      name = `data-${DATA_NOUNS[(index - shared) % DATA_NOUNS.length] ?? 'lib'}`;
    } else if (index < libs) {
      tier = 'feature';
      name = `feature-${FEATURE_NOUNS[(index - shared - data) % FEATURE_NOUNS.length] ?? 'lib'}`;
    } else {
      tier = 'app';
      name = APP_NAMES[(index - libs) % APP_NAMES.length] ?? 'app';
    }
    name = uniqueName(taken, name);
    const runner = runners[index % runners.length] ?? 'jest';
    const kind = tier === 'app' ? 'app' : 'lib';
    const project: ProjectPlan = {
      index,
      name,
      ident: camel(name),
      kind,
      tier,
      root: `${kind === 'app' ? 'apps' : 'libs'}/${name}`,
      runner,
      lang: runner === 'node' ? 'js' : 'ts',
      deps: [],
      sourceCount: 0,
      testCount: 0,
      dirs: [],
      plainFiles: [],
      entry: undefined as unknown as SourceFile,
      exported: [],
      tests: [],
    };
    // Layered dependencies: only earlier libs of the same language, biased to the bottom ones.
    const candidates = projects.filter((p) => p.kind === 'lib' && p.lang === project.lang);
    const want =
      tier === 'shared'
        ? rng.int(0, 1)
        : tier === 'data'
          ? rng.int(1, 3)
          : tier === 'feature'
            ? rng.int(1, 4)
            : rng.int(2, 5);
    project.deps = pickBiased(rng, candidates, want).sort((a, b) => a.index - b.index);
    projects.push(project);
  }
  const sourceWeights = projects.map((p) => (p.tier === 'shared' ? 1.2 : 1) * (0.6 + rng.next()));
  const sources = allocate(size.sourceFiles, sourceWeights, MIN_SOURCES_PER_PROJECT);
  const testWeights = sources.map((count) => count * (0.7 + rng.next() * 0.6));
  const tests = allocate(size.testFiles, testWeights, size.testFiles >= total ? 1 : 0);
  projects.forEach((p, i) => {
    p.sourceCount = sources[i] ?? MIN_SOURCES_PER_PROJECT;
    p.testCount = tests[i] ?? 0;
  });
  return projects;
}

interface Counter {
  next: number;
}

function newFile(
  project: ProjectPlan,
  path: string,
  role: SourceFile['role'],
  ident: string,
  dir: DirPlan | undefined,
  lines: number,
): SourceFile {
  return { project, path, role, ident, order: -1, dir, lines, imports: [], cycleTargets: [] };
}

function plainFile(
  project: ProjectPlan,
  rng: Rng,
  counter: Counter,
  folder: string,
  dir: DirPlan | undefined,
): SourceFile {
  const n = counter.next++;
  const noun = rng.pick(FILE_NOUNS);
  const role = rng.pick(FILE_ROLES);
  const ext = project.lang === 'ts' ? 'ts' : 'js';
  const ident = `${noun}${role.charAt(0).toUpperCase()}${role.slice(1)}${n}`;
  return newFile(
    project,
    `${folder}/${noun}-${role}-${n}.${ext}`,
    'plain',
    ident,
    dir,
    rng.int(40, 200),
  );
}

/** Folders, modules, folder indexes and the entry of one project (no imports yet). */
function planLayout(project: ProjectPlan, rng: Rng, counter: Counter): void {
  const n = project.sourceCount;
  const ext = project.lang === 'ts' ? 'ts' : 'js';
  const src = `${project.root}/src`;
  const dirCount = Math.max(
    1,
    Math.min(DIR_NAMES.length, Math.floor((n - 1) / 4), Math.round((n - 1) / 14)),
  );
  let top = n >= 20 ? Math.min(8, Math.max(1, Math.round(n / 40))) : 0;
  if (n - 1 - dirCount - top < 3 * dirCount) top = 0;
  const inDirs = n - 1 - dirCount - top;
  const perDir = allocate(
    inDirs,
    Array.from({ length: dirCount }, () => 0.5 + rng.next()),
    3,
  );
  const names = rng.shuffle([...DIR_NAMES]).slice(0, dirCount);
  names.forEach((name, d) => {
    const folder = `${src}/${name}`;
    const index = newFile(
      project,
      `${folder}/index.${ext}`,
      'index',
      `${camel(name)}Index${counter.next++}`,
      undefined,
      0,
    );
    const dir: DirPlan = { name, index, files: [], reexported: [] };
    index.dir = dir;
    for (let k = 0; k < (perDir[d] ?? 3); k++) {
      dir.files.push(plainFile(project, rng, counter, folder, dir));
    }
    project.dirs.push(dir);
    project.plainFiles.push(...dir.files);
  });
  for (let k = 0; k < top; k++)
    project.plainFiles.push(plainFile(project, rng, counter, src, undefined));
  project.plainFiles.forEach((file, order) => (file.order = order));
  const entryIdent = `${project.ident}${project.kind === 'app' ? 'Main' : 'Index'}${counter.next++}`;
  project.entry = newFile(
    project,
    `${src}/${project.kind === 'app' ? 'main' : 'index'}.${ext}`,
    'entry',
    entryIdent,
    undefined,
    rng.int(40, 200),
  );
  project.entry.order = project.plainFiles.length;
}

/** A relative specifier from one file to another: extensionless, `.js` for `.ts`, or exact. */
function relSpec(from: string, to: string, style: 'bare' | 'js'): string {
  let rel = posix.relative(posix.dirname(from), to);
  if (!rel.startsWith('.')) rel = `./${rel}`;
  const stem = rel.replace(/\.(ts|js)$/, '');
  return style === 'js' ? `${stem}.js` : stem;
}

function fileSpec(rng: Rng, from: SourceFile | string, to: SourceFile): string {
  const fromPath = typeof from === 'string' ? from : from.path;
  const style = to.project.lang === 'js' || rng.chance(0.2) ? 'js' : 'bare';
  return relSpec(fromPath, to.path, style);
}

/** `./dir` / `../dir` (TypeScript; sometimes `…/dir/index.js`), `…/dir/index.js` in JavaScript. */
function dirSpec(rng: Rng, from: SourceFile, dir: DirPlan): string {
  if (from.project.lang === 'js' || rng.chance(0.1))
    return relSpec(from.path, dir.index.path, 'js');
  const rel = posix.relative(posix.dirname(from.path), posix.dirname(dir.index.path));
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function aliasSpec(from: SourceFile | string, dep: ProjectPlan): string {
  const fromPath = typeof from === 'string' ? from : from.path;
  return dep.lang === 'ts' ? `@gen/${dep.name}` : relSpec(fromPath, dep.entry.path, 'js');
}

function namesOf(rng: Rng, file: SourceFile): string[] {
  return rng.chance(0.3) ? [functionName(file, 0), functionName(file, 1)] : [functionName(file, 0)];
}

/** Index re-exports (3–8 of the folder's modules) and the lib entry's re-exports. */
function planReexports(project: ProjectPlan, rng: Rng): void {
  for (const dir of project.dirs) {
    const count = rng.int(Math.min(3, dir.files.length), Math.min(8, dir.files.length));
    dir.reexported = rng
      .shuffle([...dir.files])
      .slice(0, count)
      .sort((a, b) => a.order - b.order);
    dir.index.imports = dir.reexported.map((file) => ({
      kind: 'reexport',
      specifier: fileSpec(rng, dir.index, file),
    }));
  }
  if (project.kind !== 'lib') return;
  const entry = project.entry;
  const items: (DirPlan | SourceFile)[] = [
    ...project.dirs,
    ...project.plainFiles.filter((f) => f.dir === undefined),
  ].slice(0, 8);
  // Fewer than three folders and top-level modules: re-export modules from the folders too.
  for (const file of project.plainFiles) {
    if (items.length >= 3) break;
    if (!project.dirs.some((d) => d.reexported.includes(file))) items.push(file);
  }
  const exported = new Set<SourceFile>();
  entry.imports = items.map((item) => {
    if ('index' in item) {
      item.reexported.forEach((f) => exported.add(f));
      return { kind: 'reexport', specifier: dirSpec(rng, entry, item) };
    }
    exported.add(item);
    return { kind: 'reexport', specifier: fileSpec(rng, entry, item) };
  });
  project.exported = [...exported].sort((a, b) => a.order - b.order);
}

/** A handful of 2- and 3-file import cycles inside a project (each file in one cycle at most). */
function planCycles(project: ProjectPlan, rng: Rng): void {
  const files = project.plainFiles;
  if (files.length < 12) return;
  const cycles = Math.min(4, Math.max(1, Math.round(files.length / 150)));
  const used = new Set<SourceFile>();
  for (let c = 0; c < cycles; c++) {
    const size = c % 3 === 2 ? 3 : 2;
    const dir = rng.pick(project.dirs);
    const pool = dir.files.filter((f) => !used.has(f));
    if (pool.length < size) continue;
    const members = rng
      .shuffle([...pool])
      .slice(0, size)
      .sort((a, b) => a.order - b.order);
    // Each member imports the previous one (a normal, earlier import); the first closes the loop.
    members.forEach((file, i) => {
      used.add(file);
      const target = i === 0 ? members[members.length - 1] : members[i - 1];
      if (target) file.cycleTargets.push(target);
    });
  }
}

/** The 3–8 imports of a plain module or an app's main. */
function planImports(file: SourceFile, rng: Rng): void {
  const project = file.project;
  const typed = project.lang === 'ts';
  const count = rng.int(3, 8);
  const taken = new Set<string>([file.path]);
  const specs: ImportSpec[] = [];
  const room = (): boolean => specs.length < count;

  // Imported bindings: a function re-exported by a folder index must not be imported twice.
  const bound = new Set<string>();
  const bind = (names: string[]): string[] => {
    names.forEach((name) => bound.add(name));
    return names;
  };
  const free = (target: SourceFile): boolean => !bound.has(functionName(target, 0));

  const earlier = (binds: boolean): SourceFile | undefined => {
    if (file.order <= 0) return undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      let candidate: SourceFile | undefined;
      if (file.dir && rng.chance(0.6)) {
        const position = file.dir.files.indexOf(file);
        if (position > 0) candidate = file.dir.files[rng.int(0, position - 1)];
      }
      candidate ??= project.plainFiles[rng.int(0, file.order - 1)];
      if (candidate && !taken.has(candidate.path) && (!binds || free(candidate))) {
        taken.add(candidate.path);
        return candidate;
      }
    }
    return undefined;
  };
  const addBuiltin = (): boolean => {
    const left = BUILTIN_NAMES.filter((b) => !taken.has(b));
    if (left.length === 0) return false;
    const builtin = rng.pick(left);
    taken.add(builtin);
    specs.push({ kind: 'builtin', builtin });
    return true;
  };
  const addAlias = (): boolean => {
    const left = project.deps.filter((d) => !taken.has(`alias:${d.name}`));
    if (left.length === 0) return false;
    const dep = pickBiased(rng, left, 1)[0];
    if (!dep) return false;
    taken.add(`alias:${dep.name}`);
    const target = rng.pick(dep.exported);
    specs.push({
      kind: 'named',
      specifier: aliasSpec(file, dep),
      names: bind([functionName(target, 0)]),
    });
    return true;
  };
  const addDirIndex = (): boolean => {
    const own = file.dir ? project.dirs.indexOf(file.dir) : project.dirs.length;
    const left = project.dirs
      .slice(0, own)
      .filter((d) => !taken.has(d.index.path) && d.reexported.some(free));
    if (left.length === 0) return false;
    const dir = rng.pick(left);
    taken.add(dir.index.path);
    const target = rng.pick(dir.reexported.filter(free));
    specs.push({
      kind: 'named',
      specifier: dirSpec(rng, file, dir),
      names: bind(namesOf(rng, target)),
    });
    return true;
  };
  const addRelative = (kind: 'named' | 'type' | 'require' | 'dynamic'): boolean => {
    const target = earlier(kind === 'named');
    if (!target) return false;
    const specifier = fileSpec(rng, file, target);
    if (kind === 'named') specs.push({ kind, specifier, names: bind(namesOf(rng, target)) });
    else if (kind === 'type') {
      specs.push({ kind, specifier, typeName: typeName(target) });
    } else specs.push({ kind, specifier });
    return true;
  };

  for (const target of file.cycleTargets) {
    taken.add(target.path);
    specs.push({
      kind: 'named',
      specifier: fileSpec(rng, file, target),
      names: bind([functionName(target, 0)]),
    });
  }
  const builtins = rng.chance(0.3) ? (rng.chance(0.2) ? 2 : 1) : 0;
  for (let i = 0; i < builtins && room(); i++) addBuiltin();
  const aliases = rng.chance(0.4) ? (rng.chance(0.25) ? 2 : 1) : 0;
  for (let i = 0; i < aliases && room(); i++) addAlias();
  if (typed && rng.chance(0.15) && room()) addRelative('type');
  if (rng.chance(0.06) && room()) addRelative('require');
  if (rng.chance(0.04) && room()) addRelative('dynamic');
  const indexes = file.role === 'entry' ? 3 : rng.chance(0.2) ? 1 : 0;
  for (let i = 0; i < indexes && room(); i++) addDirIndex();
  while (room() && addRelative('named'));
  while (room() && (addDirIndex() || addAlias() || addBuiltin()));
  file.imports = specs;
}

interface TestPlanContext {
  categories: TestCategory[];
  slow: Set<number>;
  flaky: Set<number>;
  next: number;
  profile: CostProfile;
  paths: Set<string>;
  costWeights: Readonly<Record<string, number>>;
}

const PLACEMENT_WEIGHTS = {
  near: { beside: 0.5, unitDir: 0.25, testsDir: 0.25 },
  far: { beside: 0.2, unitDir: 0.2, testsDir: 0.6 },
} as const;

function planTests(project: ProjectPlan, rng: Rng, ctx: TestPlanContext): void {
  const ext = project.lang === 'ts' ? 'ts' : 'js';
  for (let k = 0; k < project.testCount; k++) {
    const global = ctx.next++;
    const category = ctx.categories[global] ?? 'unit';
    const target = rng.pick(project.plainFiles);
    const near = category === 'unit' || category === 'smoke';
    const placement = rng.weighted(PLACEMENT_WEIGHTS[near ? 'near' : 'far']);
    const folder =
      placement === 'beside'
        ? posix.dirname(target.path)
        : placement === 'unitDir'
          ? `${project.root}/src/__tests__`
          : `${project.root}/tests`;
    const kindSuffix =
      category === 'unit' && ext === 'ts' && rng.chance(0.5)
        ? '.spec'
        : `${CATEGORY_SUFFIX[category]}.test`;
    const stem = posix.basename(target.path).replace(/\.(ts|js)$/, '');
    let path = `${folder}/${stem}${kindSuffix}.${ext}`;
    for (let round = 2; ctx.paths.has(path); round++) {
      path = `${folder}/${stem}-${round}${kindSuffix}.${ext}`;
    }
    ctx.paths.add(path);

    const modules = [target];
    const more = rng.int(0, 3);
    for (let attempt = 0; modules.length < 1 + more && attempt < 10; attempt++) {
      const pool = target.dir && rng.chance(0.7) ? target.dir.files : project.plainFiles;
      const candidate = rng.pick(pool);
      if (!modules.includes(candidate)) modules.push(candidate);
    }
    const imports = modules.map((file) => ({
      specifier: fileSpec(rng, path, file),
      names: namesOf(rng, file),
    }));
    if (project.lang === 'ts' && project.deps.length > 0 && rng.chance(0.3)) {
      const dep = rng.pick(project.deps);
      imports.push({
        specifier: aliasSpec(path, dep),
        names: [functionName(rng.pick(dep.exported), 0)],
      });
    }
    const fns = imports.flatMap((imp) => imp.names);

    const caseCount = rng.int(ctx.profile.casesMin, ctx.profile.casesMax);
    const dominant = rng.weighted(ctx.costWeights) as CostKind;
    const slowCase = ctx.slow.has(global) ? rng.int(0, caseCount - 1) : -1;
    const flakyCase = ctx.flaky.has(global) ? rng.int(0, caseCount - 1) : -1;
    const cases = Array.from({ length: caseCount }, (_, index) => {
      let kind: CostKind = rng.chance(0.6) ? dominant : (rng.weighted(ctx.costWeights) as CostKind);
      let ms = kind === 'trivial' ? 0 : kind === 'cpu' ? rng.int(20, 200) : rng.int(20, 300);
      if (index === slowCase) {
        kind = 'slow';
        ms = rng.int(1500, 3000);
      }
      return {
        name: caseName(fns[index % fns.length] ?? 'value', index, rng),
        kind,
        ms,
        flaky: index === flakyCase,
      };
    });
    project.tests.push({ project, path, category, imports, cases });
  }
}

/** Sets each case's final duration: normalised towards the profile's target, then scaled. */
function scaleCosts(tests: TestFilePlan[], profile: CostProfile, scale: number): void {
  const cases = tests.flatMap((t) => t.cases);
  const slow = cases.filter((c) => c.kind === 'slow').reduce((sum, c) => sum + c.ms, 0);
  const rest = cases.filter((c) => c.kind !== 'slow').reduce((sum, c) => sum + c.ms, 0);
  let factor = 1;
  if (profile.targetSerialMs !== undefined && rest > 0) {
    factor = Math.min(2, Math.max(0.5, (profile.targetSerialMs - slow) / rest));
  }
  for (const c of cases) c.ms = Math.round(c.ms * (c.kind === 'slow' ? 1 : factor) * scale);
}

class TreeWriter {
  files = 0;
  bytes = 0;
  private readonly dirs = new Set<string>();
  constructor(private readonly root: string) {}

  write(rel: string, text: string): void {
    const dir = posix.dirname(rel);
    if (!this.dirs.has(dir)) {
      mkdirSync(resolve(this.root, dir), { recursive: true });
      this.dirs.add(dir);
    }
    writeFileSync(resolve(this.root, rel), text);
    this.files++;
    this.bytes += Buffer.byteLength(text);
  }

  json(rel: string, value: unknown): void {
    this.write(rel, `${JSON.stringify(value, null, 2)}\n`);
  }
}

function prepareOutDir(outDir: string, force: boolean): void {
  if (!existsSync(outDir)) return;
  if (readdirSync(outDir).length === 0) return;
  if (!force) {
    throw new Error(
      `${outDir} is not empty; pass force (--force) to replace a generated workspace`,
    );
  }
  if (!existsSync(resolve(outDir, 'generate-summary.json'))) {
    throw new Error(
      `refusing to clear ${outDir}: it holds no generate-summary.json, so it is not a generated workspace`,
    );
  }
  rmSync(outDir, { recursive: true, force: true });
}

function validate(size: CustomSize, runners: RunnerKind[], seed: number): void {
  for (const key of ['projects', 'sourceFiles', 'testFiles'] as const) {
    const value = size[key];
    if (!Number.isInteger(value) || value < (key === 'projects' ? 1 : 0)) {
      throw new Error(`size.${key} must be a whole number${key === 'projects' ? ' ≥ 1' : ' ≥ 0'}`);
    }
  }
  if (runners.length === 0) throw new Error('runners must name at least one runner');
  for (const r of runners) {
    if (!RUNNER_KINDS.includes(r)) throw new Error(`unknown runner "${r}" (jest, vitest or node)`);
  }
  if (!Number.isInteger(seed)) throw new Error('seed must be a whole number');
}

export function generateWorkspace(options: GenerateOptions): GenerateSummary {
  const seed = options.seed ?? 1;
  const runners = options.runners ?? [...RUNNER_KINDS];
  const sizeName = typeof options.size === 'string' ? options.size : 'custom';
  const requested = typeof options.size === 'string' ? NAMED_SIZES[options.size] : options.size;
  if (requested === undefined) throw new Error(`unknown size "${String(options.size)}"`);
  validate(requested, runners, seed);
  const size: CustomSize = {
    ...requested,
    sourceFiles: Math.max(requested.sourceFiles, requested.projects * MIN_SOURCES_PER_PROJECT),
  };
  const profile = PROFILES[sizeName];
  const costScale = options.costScale ?? profile.scale;
  if (!(costScale >= 0)) throw new Error('costScale must be a number ≥ 0');

  const rng = createRng(seed);
  const emitRng = createRng((seed ^ 0x5eed5eed) >>> 0);
  const projects = planProjects(rng, size, runners);
  const counter: Counter = { next: 1 };
  for (const project of projects) planLayout(project, rng, counter);
  for (const project of projects) {
    planReexports(project, rng);
    planCycles(project, rng);
    for (const file of project.plainFiles) planImports(file, rng);
    if (project.kind === 'app') planImports(project.entry, rng);
  }

  const perCategory = allocate(
    size.testFiles,
    TEST_CATEGORIES.map((c) => CATEGORY_WEIGHTS[c]),
    0,
  );
  const categories = rng.shuffle(
    TEST_CATEGORIES.flatMap((category, i) =>
      Array.from({ length: perCategory[i] ?? 0 }, () => category),
    ),
  );
  const indices = Array.from({ length: size.testFiles }, (_, i) => i);
  const special = (share: number): Set<number> =>
    new Set(
      rng
        .shuffle([...indices])
        .slice(0, size.testFiles > 0 ? Math.max(1, Math.round(size.testFiles * share)) : 0),
    );
  const testCtx: TestPlanContext = {
    categories,
    slow: special(SLOW_FILE_SHARE),
    flaky: special(FLAKY_FILE_SHARE),
    next: 0,
    profile,
    paths: new Set<string>(),
    costWeights: COST_MIXES[options.costMix ?? 'mixed'],
  };
  for (const project of projects) planTests(project, rng, testCtx);
  const tests = projects.flatMap((p) => p.tests);
  scaleCosts(tests, profile, costScale);

  prepareOutDir(options.outDir, options.force ?? false);
  const out = new TreeWriter(options.outDir);
  const tsLibs = projects.filter((p) => p.kind === 'lib' && p.lang === 'ts');
  writeRoot(out, projects, seed, sizeName);
  for (const project of projects) {
    writeProject(out, project, tsLibs);
    for (const dir of project.dirs) {
      out.write(dir.index.path, emitIndex(dir.index));
      for (const file of dir.files) out.write(file.path, emitModule(file, emitRng));
    }
    for (const file of project.plainFiles) {
      if (file.dir === undefined) out.write(file.path, emitModule(file, emitRng));
    }
    out.write(
      project.entry.path,
      project.kind === 'app' ? emitModule(project.entry, emitRng) : emitIndex(project.entry),
    );
    for (const test of project.tests) out.write(test.path, emitTest(test, emitRng));
  }

  const summary = summarize(projects, tests, {
    seed,
    sizeName,
    runners,
    costScale,
    files: out.files + 1,
    bytes: out.bytes,
  });
  out.json('generate-summary.json', summary);
  return summary;
}

function writeRoot(out: TreeWriter, projects: ProjectPlan[], seed: number, size: string): void {
  out.json('package.json', {
    name: 'shardwise-generated-workspace',
    version: '0.0.0',
    private: true,
    description: `Synthetic workspace generated by shardwise tools/generate-workspace (size ${size}, seed ${seed})`,
    devDependencies: {
      '@swc/core': '^1.16.22',
      '@swc/jest': '^0.2.39',
      '@types/node': '^20.19.43',
      jest: '^30.5.2',
      nx: '^24.0.6',
      typescript: '~6.0.3',
      vitest: '^4.1.12',
    },
  });
  out.json('nx.json', {
    $schema: './node_modules/nx/schemas/nx-schema.json',
    plugins: [{ plugin: '@shardwise/nx', options: {} }],
  });
  const paths: Record<string, string[]> = {};
  for (const p of projects) {
    if (p.kind === 'lib') paths[`@gen/${p.name}`] = [p.entry.path];
  }
  out.json('tsconfig.base.json', {
    compilerOptions: {
      target: 'ES2022',
      module: 'ESNext',
      moduleResolution: 'Bundler',
      lib: ['ES2023'],
      types: ['node'],
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      paths,
    },
  });
  out.write('.gitignore', 'node_modules/\ndist/\n.nx/\n.shardwise/\ncoverage/\n');
  out.write(
    'README.md',
    [
      '# Generated workspace',
      '',
      `Synthetic Nx workspace from shardwise \`tools/generate-workspace\` (size \`${size}\`, seed ${seed}).`,
      'Regenerate it instead of editing it. `generate-summary.json` lists its projects, test',
      'categories, cost mix and the outcome every test run will have.',
      '',
      'Flaky tests fail on their first attempt and pass on any later attempt; attempts are counted',
      'per process and, when `SHARDWISE_RUN_ID` or `SHARDWISE_FLAKY_RUN` is set, across the',
      'processes of that run (marker files under `$TMPDIR/shardwise-flaky/`).',
      '',
      'Runners: jest projects need `@swc/jest`; vitest projects use `vitest.config.mts`;',
      'node:test projects are plain ESM JavaScript run with `node --test` in the project folder.',
      '',
    ].join('\n'),
  );
}

function writeProject(out: TreeWriter, project: ProjectPlan, tsLibs: ProjectPlan[]): void {
  out.json(`${project.root}/project.json`, {
    name: project.name,
    $schema: `${project.root
      .split('/')
      .map(() => '..')
      .join('/')}/node_modules/nx/schemas/project-schema.json`,
    sourceRoot: `${project.root}/src`,
    projectType: project.kind === 'app' ? 'application' : 'library',
    tags: [`layer:${project.tier}`, `runner:${project.runner}`],
  });
  const base = `${project.root
    .split('/')
    .map(() => '..')
    .join('/')}/tsconfig.base.json`;
  if (project.lang === 'ts') {
    out.json(`${project.root}/tsconfig.json`, {
      extends: base,
      compilerOptions: { types: project.runner === 'jest' ? ['node', 'jest'] : ['node'] },
      include: ['src/**/*.ts', 'tests/**/*.ts'],
    });
  } else {
    out.json(`${project.root}/tsconfig.json`, {
      extends: base,
      compilerOptions: { allowJs: true, checkJs: false },
      include: ['src/**/*.js', 'tests/**/*.js'],
    });
  }
  if (project.runner === 'jest')
    out.write(`${project.root}/jest.config.js`, jestConfig(project, tsLibs));
  if (project.runner === 'vitest') {
    out.write(`${project.root}/vitest.config.mts`, vitestConfig(project, tsLibs));
  }
  if (project.runner === 'node') {
    out.json(`${project.root}/package.json`, {
      name: project.name,
      private: true,
      type: 'module',
      scripts: { test: 'node --test' },
    });
  }
}

function summarize(
  projects: ProjectPlan[],
  tests: TestFilePlan[],
  meta: {
    seed: number;
    sizeName: string;
    runners: RunnerKind[];
    costScale: number;
    files: number;
    bytes: number;
  },
): GenerateSummary {
  const zeroCategories = (): Record<TestCategory, number> =>
    Object.fromEntries(TEST_CATEGORIES.map((c) => [c, 0])) as Record<TestCategory, number>;
  const testsByCategory = zeroCategories();
  const testFilesByCategory = zeroCategories();
  const costMix = Object.fromEntries([...COST_KINDS, 'flaky'].map((k) => [k, 0])) as Record<
    CostKind | 'flaky',
    number
  >;
  const flakyTests: GenerateSummary['flakyTests'] = [];
  const slowTests: GenerateSummary['slowTests'] = [];
  let total = 0;
  let serial = 0;
  for (const test of tests) {
    testFilesByCategory[test.category]++;
    for (const c of test.cases) {
      total++;
      serial += c.ms;
      testsByCategory[test.category]++;
      costMix[c.kind]++;
      const name = `${suiteName(test)} > ${c.name}`;
      if (c.flaky) {
        costMix.flaky++;
        flakyTests.push({ file: test.path, name });
      }
      if (c.kind === 'slow') slowTests.push({ file: test.path, name, ms: c.ms });
    }
  }
  const flaky = flakyTests.length;
  return {
    generator: 'shardwise-generate-workspace',
    size: meta.sizeName,
    seed: meta.seed,
    runners: meta.runners,
    costScale: meta.costScale,
    projects: projects.length,
    sourceFiles: projects.reduce((n, p) => n + p.plainFiles.length + p.dirs.length + 1, 0),
    testFiles: tests.length,
    files: meta.files,
    bytes: meta.bytes,
    tests: total,
    testsByCategory,
    testFilesByCategory,
    costMix,
    estimatedSerialMs: serial,
    expected: { passed: total - flaky, failed: flaky, flaky },
    expectedWithRetry: { passed: total - flaky, failed: 0, flaky },
    flakyTests,
    slowTests,
    projectList: projects.map((p) => ({
      name: p.name,
      root: p.root,
      kind: p.kind,
      runner: p.runner,
      deps: p.deps.map((d) => d.name),
      sourceFiles: p.plainFiles.length + p.dirs.length + 1,
      testFiles: p.tests.length,
      tests: p.tests.reduce((n, t) => n + t.cases.length, 0),
      estimatedSerialMs: p.tests.reduce((n, t) => n + t.cases.reduce((m, c) => m + c.ms, 0), 0),
    })),
  };
}

const USAGE = `Usage: node tools/dist/generate-workspace.js --out <dir> [options]
  --size quick|plan|nx|custom   named size (default quick); custom needs the three counts below
  --projects N --source-files N --test-files N
  --seed N                      PRNG seed (default 1)
  --runners jest,vitest,node    runners, round-robin over projects (default all three)
  --cost-scale X                multiply planned test durations (default 1; plan/nx 0.05)
  --cost-mix mixed|io|cpu       which test costs dominate (default mixed)
  --force                       replace an earlier generated workspace in --out`;

function main(argv: string[]): number {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string' },
      size: { type: 'string', default: 'quick' },
      seed: { type: 'string' },
      runners: { type: 'string' },
      projects: { type: 'string' },
      'source-files': { type: 'string' },
      'test-files': { type: 'string' },
      'cost-scale': { type: 'string' },
      'cost-mix': { type: 'string' },
      force: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.out) throw new Error(`--out is required\n${USAGE}`);
  const num = (flag: string, value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isFinite(n)) throw new Error(`--${flag} must be a number, got "${value}"`);
    return n;
  };
  let size: GenerateOptions['size'];
  if (values.size === 'custom') {
    const projects = num('projects', values.projects);
    const sourceFiles = num('source-files', values['source-files']);
    const testFiles = num('test-files', values['test-files']);
    if (projects === undefined || sourceFiles === undefined || testFiles === undefined) {
      throw new Error('--size custom needs --projects, --source-files and --test-files');
    }
    size = { projects, sourceFiles, testFiles };
  } else if (values.size === 'quick' || values.size === 'plan' || values.size === 'nx') {
    size = values.size;
  } else {
    throw new Error(`unknown --size "${values.size ?? ''}" (quick, plan, nx or custom)`);
  }
  const options: GenerateOptions = { outDir: resolve(values.out), size, force: values.force };
  const seed = num('seed', values.seed);
  if (seed !== undefined) options.seed = seed;
  const costScale = num('cost-scale', values['cost-scale']);
  if (costScale !== undefined) options.costScale = costScale;
  const costMix = values['cost-mix'];
  if (costMix !== undefined) {
    if (!(costMix in COST_MIXES))
      throw new Error(`unknown --cost-mix "${costMix}" (mixed, io or cpu)`);
    options.costMix = costMix as CostMixName;
  }
  if (values.runners)
    options.runners = values.runners.split(',').map((r) => r.trim()) as RunnerKind[];

  const started = performance.now();
  const s = generateWorkspace(options);
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  process.stdout.write(
    `generated ${s.size} workspace (seed ${s.seed}) in ${options.outDir} in ${seconds} s: ` +
      `${s.projects} projects, ${s.sourceFiles} source files, ${s.testFiles} test files, ` +
      `${s.files} files, ${(s.bytes / 1e6).toFixed(1)} MB; ${s.tests} tests, first attempt ` +
      `${s.expected.passed} passed / ${s.expected.failed} failed (${s.expected.flaky} flaky); ` +
      `planned serial test time ${(s.estimatedSerialMs / 1000).toFixed(1)} s\n`,
  );
  return 0;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(
      `generate-workspace: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 2;
  }
}
