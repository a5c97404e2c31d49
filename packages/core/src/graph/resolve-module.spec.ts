import { afterAll, describe, expect, it } from 'vitest';
import { scanWorkspace } from '../discovery/scan-workspace';
import { removeTempWorkspaces, tempWorkspace } from '../test-support/temp-workspace';
import { ModuleResolver } from './resolve-module';

afterAll(removeTempWorkspaces);

describe('ModuleResolver with the file list', () => {
  it('resolves relative specifiers exactly as oxc-resolver does', () => {
    const root = tempWorkspace({
      'src/a.ts': '',
      'src/b.ts': '',
      'src/b.js': '',
      'src/c.mts': '',
      'src/data.json': '{}',
      'src/both.ts': '',
      'src/both/index.ts': '',
      'src/dir/index.js': '',
      'src/pkg/package.json': JSON.stringify({ main: 'lib/main.js' }),
      'src/pkg/lib/main.js': '',
      'src/pkg/index.ts': '',
      'src/deep/nested/x.tsx': '',
      'src/style.css': '',
    });
    const files = new Set(scanWorkspace(root, []));
    const listed = new ModuleResolver({ workspaceRoot: root, files });
    const oxc = new ModuleResolver({ workspaceRoot: root });
    const specifiers = [
      './a',
      './a.js',
      './b',
      './b.js',
      './c.mjs',
      './data.json',
      './data',
      './both',
      './dir',
      './pkg',
      './deep/nested/x',
      './deep/nested/x.jsx',
      './style.css',
      './missing',
      '../outside',
      '.',
    ];
    for (const specifier of specifiers) {
      expect(listed.resolve('src/importer.ts', specifier), specifier).toEqual(
        oxc.resolve('src/importer.ts', specifier),
      );
    }
    // The cases that decide: .js written for .ts, a file before a folder, a package.json's main.
    expect(listed.resolve('src/importer.ts', './b.js')).toEqual({ kind: 'file', path: 'src/b.ts' });
    expect(listed.resolve('src/importer.ts', './both')).toEqual({
      kind: 'file',
      path: 'src/both.ts',
    });
    expect(listed.resolve('src/importer.ts', './pkg')).toEqual({
      kind: 'file',
      path: 'src/pkg/lib/main.js',
    });
  });

  it('answers from the list without asking the file system', () => {
    const root = tempWorkspace({ 'src/a.ts': '' });
    // A file only the list knows: the list answers; the file system would not find it.
    const listed = new ModuleResolver({
      workspaceRoot: root,
      files: new Set(['src/a.ts', 'src/listed-only.ts']),
    });
    expect(listed.resolve('src/a.ts', './listed-only')).toEqual({
      kind: 'file',
      path: 'src/listed-only.ts',
    });
    expect(
      new ModuleResolver({ workspaceRoot: root }).resolve('src/a.ts', './listed-only').kind,
    ).toBe('unresolved');
  });
});
