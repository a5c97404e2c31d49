/** The plan of a synthetic workspace, shared by the planner and the file emitters. */

export type RunnerKind = 'jest' | 'vitest' | 'node';
export const RUNNER_KINDS: readonly RunnerKind[] = ['jest', 'vitest', 'node'];

export type TestCategory = 'unit' | 'integration' | 'smoke' | 'e2e' | 'performance';
export const TEST_CATEGORIES: readonly TestCategory[] = [
  'unit',
  'integration',
  'smoke',
  'e2e',
  'performance',
];

/** What a test case spends its time on. */
export type CostKind = 'trivial' | 'cpu' | 'timer' | 'fs' | 'net' | 'slow';
export const COST_KINDS: readonly CostKind[] = ['trivial', 'cpu', 'timer', 'fs', 'net', 'slow'];

export type BuiltinName =
  | 'node:path'
  | 'node:crypto'
  | 'node:util'
  | 'node:os'
  | 'node:buffer'
  | 'node:url'
  | 'node:events';

export interface ProjectPlan {
  index: number;
  name: string;
  /** camelCase form of the name. */
  ident: string;
  kind: 'app' | 'lib';
  /** Layer of the project: shared libs at the bottom, apps at the top. */
  tier: 'shared' | 'data' | 'feature' | 'app';
  /** Workspace-relative root, e.g. `libs/shared-util`. */
  root: string;
  runner: RunnerKind;
  /** `js` for node:test projects (plain ESM JavaScript), `ts` otherwise. */
  lang: 'ts' | 'js';
  deps: ProjectPlan[];
  sourceCount: number;
  testCount: number;
  dirs: DirPlan[];
  /** Plain (non-index) source files in import order: a file statically imports only earlier ones. */
  plainFiles: SourceFile[];
  /** `src/index.*` for libs, `src/main.*` for apps. */
  entry: SourceFile;
  /** Plain files whose functions the entry re-exports (libs). */
  exported: SourceFile[];
  tests: TestFilePlan[];
}

export interface DirPlan {
  name: string;
  index: SourceFile;
  files: SourceFile[];
  /** The files the dir's index re-exports. */
  reexported: SourceFile[];
}

export interface SourceFile {
  project: ProjectPlan;
  /** Workspace-relative posix path. */
  path: string;
  role: 'plain' | 'index' | 'entry';
  /** Workspace-unique camelCase stem of the file's exported names. */
  ident: string;
  order: number;
  dir: DirPlan | undefined;
  /** Target line count. */
  lines: number;
  imports: ImportSpec[];
  /** Files this one must import to close an import cycle. */
  cycleTargets: SourceFile[];
}

export type ImportSpec =
  | { kind: 'named'; specifier: string; names: string[] }
  | { kind: 'type'; specifier: string; typeName: string }
  | { kind: 'require'; specifier: string }
  | { kind: 'dynamic'; specifier: string }
  | { kind: 'builtin'; builtin: BuiltinName }
  | { kind: 'reexport'; specifier: string };

export interface TestImport {
  specifier: string;
  names: string[];
}

export interface TestCasePlan {
  name: string;
  kind: CostKind;
  /** Planned duration (sleep plus nominal CPU time), in milliseconds. */
  ms: number;
  flaky: boolean;
}

export interface TestFilePlan {
  project: ProjectPlan;
  path: string;
  category: TestCategory;
  imports: TestImport[];
  cases: TestCasePlan[];
}

/** Functions every source file exports, in this order; the first two always exist. */
export const FUNCTION_SUFFIXES: readonly string[] = [
  'Compute',
  'Normalize',
  'Score',
  'Merge',
  'Digest',
  'Rank',
  'Fold',
  'Scale',
  'Blend',
  'Tally',
  'Clamp',
  'Shift',
  'Mix',
  'Weigh',
  'Split',
  'Pack',
  'Probe',
  'Trace',
  'Sample',
  'Settle',
];

export function functionName(file: SourceFile, index: number): string {
  const suffix = FUNCTION_SUFFIXES[index % FUNCTION_SUFFIXES.length] ?? 'Fn';
  const round = Math.floor(index / FUNCTION_SUFFIXES.length);
  return `${file.ident}${suffix}${round === 0 ? '' : String(round + 1)}`;
}

export function typeName(file: SourceFile): string {
  return `${file.ident.charAt(0).toUpperCase()}${file.ident.slice(1)}Record`;
}

export function constName(file: SourceFile, what: string): string {
  return `${file.ident.replace(/([a-z])([A-Z0-9])/g, '$1_$2').toUpperCase()}_${what}`;
}
