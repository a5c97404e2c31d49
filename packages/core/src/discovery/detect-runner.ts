/**
 * Detects the test runner of a project from its config files and package.json. An explicit
 * `runner` in the configuration always wins; detection is the fallback.
 */
import type { RunnerName } from '../config/schema';
import type { Project } from './projects';

export interface RunnerDetection {
  runner: RunnerName | 'command' | undefined;
  /** Workspace-relative runner config files (they are inputs of every test of the project). */
  configFiles: string[];
  /** Why this runner was chosen, for `plan` output. */
  reason: string;
}

const JEST_CONFIG = /^jest\.config\.(js|cjs|mjs|ts|cts|mts|json)$/;
const VITEST_CONFIG = /^vitest\.config\.(js|cjs|mjs|ts|cts|mts)$/;
const VITE_CONFIG = /^vite\.config\.(js|cjs|mjs|ts|cts|mts)$/;

/**
 * @param projectFiles project-relative paths of the files directly in the project root folder
 *   are looked at; deeper files are ignored.
 */
export function detectRunner(project: Project, projectFiles: readonly string[]): RunnerDetection {
  const atRoot = projectFiles.filter((f) => !f.includes('/'));
  const prefix = project.root === '' ? '' : `${project.root}/`;
  const jest = atRoot.filter((f) => JEST_CONFIG.test(f));
  const vitest = atRoot.filter((f) => VITEST_CONFIG.test(f));
  const vite = atRoot.filter((f) => VITE_CONFIG.test(f));
  if (vitest.length > 0) {
    return {
      runner: 'vitest',
      configFiles: [...vitest, ...vite].map((f) => prefix + f),
      reason: vitest[0] ?? '',
    };
  }
  if (jest.length > 0) {
    return { runner: 'jest', configFiles: jest.map((f) => prefix + f), reason: jest[0] ?? '' };
  }
  const pkg = project.packageJson;
  if (pkg !== undefined && typeof pkg['jest'] === 'object' && pkg['jest'] !== null) {
    return {
      runner: 'jest',
      configFiles: [`${prefix}package.json`],
      reason: 'package.json "jest"',
    };
  }
  const scripts = pkg?.['scripts'];
  const testScript =
    scripts !== null && typeof scripts === 'object'
      ? (scripts as Record<string, unknown>)['test']
      : undefined;
  if (typeof testScript === 'string') {
    if (/\bvitest\b/.test(testScript)) {
      return {
        runner: 'vitest',
        configFiles: [...vite.map((f) => prefix + f)],
        reason: 'package.json scripts.test',
      };
    }
    if (/\bjest\b/.test(testScript)) {
      return { runner: 'jest', configFiles: [], reason: 'package.json scripts.test' };
    }
    if (/\bnode\b.*--test\b/.test(testScript)) {
      return { runner: 'node', configFiles: [], reason: 'package.json scripts.test' };
    }
  }
  if (vite.length > 0) {
    return { runner: 'vitest', configFiles: vite.map((f) => prefix + f), reason: vite[0] ?? '' };
  }
  return { runner: undefined, configFiles: [], reason: 'no runner config found' };
}
