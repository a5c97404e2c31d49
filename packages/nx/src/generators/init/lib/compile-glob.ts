/**
 * A small glob matcher for init's census of test files, because the package may use only
 * `@nx/devkit` and `@shardwise/core` and core does not export its picomatch classifier (yet). It
 * follows picomatch with `dot: true` for the syntax Shardwise's globs use: `**`, `*`, `?`, `{a,b}`
 * (nested too) and `[…]`. Anything else is taken literally. The counts only guide the proposed
 * shard counts; the plugin's inference does the real classification.
 */
const REGEXP_SPECIAL = /[.+^$()|\\]/;

export function compileGlob(glob: string): RegExp {
  let source = '';
  let depth = 0;
  let i = 0;
  while (i < glob.length) {
    const atSegmentStart = i === 0 || glob[i - 1] === '/';
    if (glob.startsWith('**/', i) && atSegmentStart) {
      source += '(?:.*/)?';
      i += 3;
      continue;
    }
    if (glob.startsWith('**', i) && atSegmentStart && i + 2 === glob.length) {
      source += '.*';
      i += 2;
      continue;
    }
    const char = glob[i] ?? '';
    if (glob.startsWith('/**', i) && i + 3 === glob.length) {
      source += '(?:/.*)?';
      i += 3;
      continue;
    }
    if (char === '*') {
      source += '[^/]*';
      while (glob[i + 1] === '*') i++;
    } else if (char === '?') {
      source += '[^/]';
    } else if (char === '{') {
      source += '(?:';
      depth++;
    } else if (char === '}' && depth > 0) {
      source += ')';
      depth--;
    } else if (char === ',' && depth > 0) {
      source += '|';
    } else if (char === '[' && glob.indexOf(']', i + 2) !== -1) {
      const end = glob.indexOf(']', i + 2);
      const body = glob
        .slice(i + 1, end)
        .replace(/^!/, '^')
        .replace(/\\/g, '\\\\');
      source += `[${body}]`;
      i = end;
    } else {
      source += REGEXP_SPECIAL.test(char) || char === '[' || char === ']' ? `\\${char}` : char;
    }
    i++;
  }
  // An unclosed brace is literal in picomatch; here it fails to compile, so fall back to literal.
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return new RegExp(`^${glob.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  }
}

export type Matcher = (path: string) => boolean;

export function compileGlobs(globs: readonly string[]): Matcher {
  const patterns = globs.map(compileGlob);
  return (path) => patterns.some((pattern) => pattern.test(path));
}
