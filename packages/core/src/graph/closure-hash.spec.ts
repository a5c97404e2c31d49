import { describe, expect, it } from 'vitest';
import type { FileNode } from './build-graph';
import { collectClosure } from './closure-hash';

function graph(edges: Record<string, string[]>): Map<string, FileNode> {
  return new Map(
    Object.entries(edges).map(([path, deps]) => [
      path,
      {
        path,
        contentHash: path,
        deps,
        externals: [],
        builtins: [],
        wideReasons: [],
        parseError: undefined,
      },
    ]),
  );
}

describe('collectClosure', () => {
  const nodes = graph({
    'a.test.ts': ['a.ts'],
    'a.ts': ['shared.ts', 'gone.ts'],
    'b.test.ts': ['b.ts'],
    'b.ts': ['shared.ts'],
    'shared.ts': ['a.ts'],
    'c.ts': [],
  });

  it('follows imports through cycles and skips files that are not in the graph', () => {
    expect([...collectClosure(nodes, 'a.test.ts')].sort()).toEqual([
      'a.test.ts',
      'a.ts',
      'shared.ts',
    ]);
  });

  it('gives several starts the union of their closures', () => {
    const union = new Set([
      ...collectClosure(nodes, 'a.test.ts'),
      ...collectClosure(nodes, 'b.test.ts'),
    ]);
    expect(collectClosure(nodes, ['a.test.ts', 'b.test.ts'])).toEqual(union);
    expect(collectClosure(nodes, ['a.test.ts', 'b.test.ts']).has('c.ts')).toBe(false);
  });
});
