/**
 * Splits a SQL script into its statements at top-level semicolons, so that a failing statement
 * can be named. Knows the lexical forms that may hold a semicolon: quoted strings and
 * identifiers, E'' escapes, dollar-quoted bodies ($$ … $$, $tag$ … $tag$), line and (nested)
 * block comments. Statements holding only comments are dropped.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  let hasCode = false;
  const n = script.length;
  while (i < n) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (ch === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        const step = script.startsWith('/*', i) ? 1 : script.startsWith('*/', i) ? -1 : 0;
        depth += step;
        i += step === 0 ? 1 : 2;
      }
    } else if (ch === "'" || ch === '"') {
      hasCode = true;
      const escapes =
        ch === "'" && /[eE]/.test(script[i - 1] ?? '') && !/\w/.test(script[i - 2] ?? '');
      i++;
      while (i < n) {
        if (escapes && script[i] === '\\') i += 2;
        else if (script[i] === ch && script[i + 1] === ch) i += 2;
        else if (script[i] === ch) break;
        else i++;
      }
      i++;
    } else if (ch === '$' && !/\w/.test(script[i - 1] ?? '')) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(script.slice(i));
      hasCode = true;
      if (tag === null) {
        i++;
      } else {
        const close = script.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
      }
    } else if (ch === ';') {
      if (hasCode) statements.push(script.slice(start, i + 1).trim());
      start = i + 1;
      hasCode = false;
      i++;
    } else {
      if (!/\s/.test(ch)) hasCode = true;
      i++;
    }
  }
  if (hasCode) statements.push(script.slice(start).trim());
  return statements;
}
