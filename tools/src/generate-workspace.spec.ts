import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseSync } from '@swc/core';
import { afterAll, describe, expect, it } from 'vitest';
import { generateWorkspace } from './generate-workspace';
import type { GenerateSummary } from './generate-workspace';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gen-ws-spec-'));
  temps.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function listFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(root, full));
    else out.push(relative(root, full).split('\\').join('/'));
  }
  return out.sort();
}

function treeHash(root: string): { files: string[]; hash: string } {
  const files = listFiles(root);
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(root, file)));
  return { files, hash: hash.digest('hex') };
}

const STATIC = /^\s*(?:import|export)\s[^;\n]*?\sfrom\s+['"]([^'"]+)['"]/gm;
const CALLS = /\b(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/g;

function specifiers(text: string): string[] {
  return [...text.matchAll(STATIC), ...text.matchAll(CALLS)].map((m) => m[1] ?? '');
}

function resolvesTo(fromFile: string, specifier: string): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [
    base,
    base.replace(/\.js$/, '.ts'),
    `${base}.ts`,
    `${base}.js`,
    join(base, 'index.ts'),
    join(base, 'index.js'),
  ];
  return candidates.find((c) => existsSync(c) && statSync(c).isFile());
}

describe('generateWorkspace', () => {
  const first = tempDir();
  const summary = generateWorkspace({ outDir: first, size: 'quick', seed: 7 });
  const files = listFiles(first);
  const isSource = (f: string): boolean =>
    /\/src\/.*\.(ts|js)$/.test(f) && !/\.(test|spec)\.(ts|js)$/.test(f);
  const sources = files.filter(isSource);
  const testFiles = files.filter((f) => /\.(test|spec)\.(ts|js)$/.test(f));

  it('writes the counts it reports, and the summary file', () => {
    expect(summary.projects).toBe(4);
    expect(sources).toHaveLength(summary.sourceFiles);
    expect(summary.sourceFiles).toBe(120);
    expect(testFiles).toHaveLength(summary.testFiles);
    expect(summary.testFiles).toBe(40);
    expect(files).toHaveLength(summary.files);
    const written = JSON.parse(
      readFileSync(join(first, 'generate-summary.json'), 'utf8'),
    ) as GenerateSummary;
    expect(written).toEqual(summary);
    expect(summary.expected.failed).toBe(summary.flakyTests.length);
    expect(summary.expected.passed + summary.expected.failed).toBe(summary.tests);
    expect(summary.estimatedSerialMs).toBeGreaterThanOrEqual(30_000);
    expect(summary.estimatedSerialMs).toBeLessThanOrEqual(60_000);
    for (const category of ['unit', 'integration', 'smoke', 'e2e', 'performance'] as const) {
      expect(summary.testFilesByCategory[category]).toBeGreaterThan(0);
    }
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = tempDir();
    generateWorkspace({ outDir: again, size: 'quick', seed: 7 });
    const other = tempDir();
    generateWorkspace({ outDir: other, size: 'quick', seed: 8 });
    const a = treeHash(first);
    const b = treeHash(again);
    expect(b.files).toEqual(a.files);
    expect(b.hash).toBe(a.hash);
    expect(treeHash(other).hash).not.toBe(a.hash);
  });

  it('gives every source file 3 to 8 imports and 40 to 200 lines (index files are short)', () => {
    for (const file of sources) {
      const text = readFileSync(join(first, file), 'utf8');
      const count = specifiers(text).length;
      expect(count, file).toBeGreaterThanOrEqual(3);
      expect(count, file).toBeLessThanOrEqual(8);
      if (!/\/index\.(ts|js)$/.test(file)) {
        const lines = text.split('\n').length - 1;
        expect(lines, file).toBeGreaterThanOrEqual(40);
        expect(lines, file).toBeLessThanOrEqual(200);
      }
    }
  });

  it('binds every imported name once per file', () => {
    for (const file of [...sources, ...testFiles]) {
      const text = readFileSync(join(first, file), 'utf8');
      const names = [...text.matchAll(/^import (?:type )?\{ ([^}]+) \} from/gm)].flatMap((m) =>
        (m[1] ?? '').split(',').map((n) => n.trim()),
      );
      expect(new Set(names).size, file).toBe(names.length);
    }
  });

  it('uses every import form the closure analysis must follow', () => {
    const all = sources.map((f) => readFileSync(join(first, f), 'utf8')).join('\n');
    expect(all).toMatch(/^import type \{/m);
    expect(all).toMatch(/require\('\.\.?\//);
    expect(all).toMatch(/import\('\.\.?\//);
    expect(all).toMatch(/from '@gen\/[a-z-]+'/);
    expect(all).toMatch(/from 'node:[a-z]+'/);
    expect(all).toMatch(/from '\.\/[a-z0-9-]+\.js'/);
    expect(all).toMatch(/from '\.\.\/[a-z]+'/);
  });

  it('maps every alias to an existing entry file', () => {
    const base = JSON.parse(readFileSync(join(first, 'tsconfig.base.json'), 'utf8')) as {
      compilerOptions: { paths: Record<string, string[]> };
    };
    const paths = Object.entries(base.compilerOptions.paths);
    expect(paths.length).toBeGreaterThan(0);
    for (const [alias, [target]] of paths) {
      expect(alias).toMatch(/^@gen\//);
      expect(existsSync(join(first, target ?? '')), alias).toBe(true);
    }
    const nx = JSON.parse(readFileSync(join(first, 'nx.json'), 'utf8')) as {
      plugins: { plugin: string }[];
    };
    expect(nx.plugins[0]?.plugin).toBe('@shardwise/nx');
  });

  it('resolves every relative specifier of sources and tests to a file', () => {
    for (const file of [...sources, ...testFiles]) {
      const full = join(first, file);
      for (const spec of specifiers(readFileSync(full, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        expect(resolvesTo(full, spec), `${file}: ${spec}`).toBeDefined();
      }
    }
  });

  it('has small import cycles inside projects', () => {
    const edges = new Map<string, Set<string>>();
    for (const file of sources) {
      const full = join(first, file);
      const targets = new Set<string>();
      for (const spec of specifiers(readFileSync(full, 'utf8'))) {
        const target = spec.startsWith('.') ? resolvesTo(full, spec) : undefined;
        if (target) targets.add(target);
      }
      edges.set(full, targets);
    }
    const twoCycles = [...edges].filter(([from, targets]) =>
      [...targets].some((to) => edges.get(to)?.has(from)),
    );
    expect(twoCycles.length).toBeGreaterThanOrEqual(2);
  });

  it('parses every generated file with @swc/core', () => {
    for (const file of files) {
      const text = readFileSync(join(first, file), 'utf8');
      if (file.endsWith('.ts') || file.endsWith('.mts')) {
        expect(() => parseSync(text, { syntax: 'typescript' }), file).not.toThrow();
      } else if (file.endsWith('.js')) {
        expect(() => parseSync(text, { syntax: 'ecmascript' }), file).not.toThrow();
      }
    }
  });

  it('refuses a non-empty directory unless forced, and only clears generated ones', () => {
    expect(() => generateWorkspace({ outDir: first, size: 'quick', seed: 7 })).toThrow(/not empty/);
    const foreign = tempDir();
    generateWorkspace({ outDir: join(foreign, 'ws'), size: 'quick' });
    expect(() => generateWorkspace({ outDir: foreign, size: 'quick', force: true })).toThrow(
      /not a generated workspace/,
    );
  });

  it('predicts the outcome of a node:test run', () => {
    const dir = tempDir();
    const small = generateWorkspace({
      outDir: dir,
      size: { projects: 2, sourceFiles: 20, testFiles: 10 },
      runners: ['node'],
      costScale: 0,
      seed: 3,
    });
    const env = { ...process.env };
    delete env.SHARDWISE_RUN_ID;
    delete env.SHARDWISE_FLAKY_RUN;
    let passed = 0;
    let failed = 0;
    for (const project of small.projectList) {
      const result = spawnSync(process.execPath, ['--test', '--test-reporter=tap'], {
        cwd: join(dir, project.root),
        encoding: 'utf8',
        env,
      });
      passed += Number(/^# pass (\d+)/m.exec(result.stdout)?.[1] ?? NaN);
      failed += Number(/^# fail (\d+)/m.exec(result.stdout)?.[1] ?? NaN);
    }
    expect({ passed, failed }).toEqual({
      passed: small.expected.passed,
      failed: small.expected.failed,
    });
    expect(small.expected.failed).toBeGreaterThan(0);
  });
});
