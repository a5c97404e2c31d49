import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import { main } from './main';

afterAll(removeTempWorkspaces);

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  return { stdout: () => out.join(''), stderr: () => err.join('') };
}

afterEach(() => vi.restoreAllMocks());

const WORKSPACE = {
  'nx.json': JSON.stringify({
    plugins: [{ plugin: '@shardwise/nx', options: { categories: { unit: { shards: 2 } } } }],
  }),
  'libs/a/project.json': '{"name":"a"}',
  'libs/a/vitest.config.mts': 'export default {};',
  'libs/a/src/a.ts': 'export const a = 1;',
  'libs/a/src/a.test.ts': "import { a } from './a'; it('a', () => {});",
  'libs/a/src/b.test.ts': "import { a } from './a.js'; it('b', () => {}); it('c', () => {});",
};

describe('shardwise CLI', () => {
  it('plan --json prints only JSON on stdout', async () => {
    const root = tempWorkspace(WORKSPACE);
    const io = capture();
    expect(await main(['plan', '--cwd', root, '--json'])).toBe(0);
    const plan = JSON.parse(io.stdout()) as {
      projects: Array<{
        name: string;
        runner: string;
        categories: Array<{ name: string; shards: Array<{ files: Array<{ path: string }> }> }>;
      }>;
    };
    expect(plan.projects.map((p) => [p.name, p.runner])).toEqual([['a', 'vitest']]);
    const unit = plan.projects[0]!.categories[0]!;
    expect(unit.shards).toHaveLength(2);
    expect(unit.shards.flatMap((s) => s.files.map((f) => f.path)).sort()).toEqual([
      'libs/a/src/a.test.ts',
      'libs/a/src/b.test.ts',
    ]);
  });

  it('exits 2 on bad configuration with the file, key and expectation, and no stack trace', async () => {
    const root = tempWorkspace({
      ...WORKSPACE,
      'nx.json': JSON.stringify({
        plugins: [{ plugin: '@shardwise/nx', options: { categories: { unit: { shards: -1 } } } }],
      }),
    });
    const io = capture();
    expect(await main(['plan', '--cwd', root])).toBe(2);
    expect(io.stderr()).toContain(
      'nx.json: plugins[0].options.categories.unit.shards: Too small: expected number to be >=1, got -1',
    );
    expect(io.stderr()).not.toMatch(/\n\s+at /);
    expect(io.stdout()).toBe('');
  });

  it('exits 2 on unknown commands and bad usage', async () => {
    const io = capture();
    expect(await main(['plant'])).toBe(2);
    expect(await main(['affected'])).toBe(2);
    expect(io.stderr()).toContain('unknown command "plant"');
    expect(io.stderr()).toContain('affected: expected --base <git-ref> or --files <list>');
  });

  it('timings update writes the committed timings file that plan then uses', async () => {
    const root = tempWorkspace(WORKSPACE);
    const io = capture();
    expect(await main(['timings', 'update', '--cwd', root])).toBe(0);
    expect(io.stderr()).toContain(
      'Wrote shardwise-timings.json: 2 files (0 measured, 0 kept, 2 estimated; 0 stale entries dropped)',
    );
    expect(await main(['plan', '--cwd', root, '--json'])).toBe(0);
    const json = io.stdout().slice(io.stdout().indexOf('{'));
    const files = (
      JSON.parse(json) as {
        projects: Array<{
          categories: Array<{ shards: Array<{ files: Array<{ recorded: boolean }> }> }>;
        }>;
      }
    ).projects[0]!.categories[0]!.shards.flatMap((s) => s.files);
    expect(files.map((f) => f.recorded)).toEqual([true, true]);
  });

  it('affected --files lists the tests that reach a changed file', async () => {
    const root = tempWorkspace(WORKSPACE);
    const io = capture();
    expect(await main(['affected', '--cwd', root, '--files', 'libs/a/src/a.ts', '--json'])).toBe(0);
    const result = JSON.parse(io.stdout()) as {
      affected: Array<{ path: string; because: string[] }>;
    };
    expect(result.affected.map((a) => [a.path, a.because])).toEqual([
      ['libs/a/src/a.test.ts', ['libs/a/src/a.ts']],
      ['libs/a/src/b.test.ts', ['libs/a/src/a.ts']],
    ]);
  });
});
