/**
 * Turns zod issues into lines that say where (source and key path) and what was expected, in the
 * form `nx.json: plugins[0].options.categories.unit.shards: expected an integer ≥ 1, got 0`.
 */
import type { z } from 'zod';

export function formatKeyPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const name = String(key);
      const segment = /^[A-Za-z_$][\w$-]*$/.test(name) ? name : JSON.stringify(name);
      out += out === '' ? segment : `.${segment}`;
    }
  }
  return out === '' ? '(root)' : out;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // Nested deeper than the stack allows (a hostile file): its kind is description enough.
    return Array.isArray(value) ? 'a deeply nested array' : typeof value;
  }
  if (text === undefined) return typeof value;
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function describeIssue(
  issue: z.core.$ZodIssue,
  input: unknown,
): { path: PropertyKey[]; text: string } {
  const path = [...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return {
        path,
        text: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys
          .map((k) => JSON.stringify(k))
          .join(', ')}`,
      };
    case 'invalid_key':
      return {
        path,
        text: `invalid key: ${issue.issues.map((i) => i.message).join('; ')}, got ${describeValue(path[path.length - 1])}`,
      };
    case 'invalid_type':
      return {
        path,
        text: `expected ${issue.expected}, got ${describeValue(valueAt(input, path))}`,
      };
    case 'too_small':
    case 'too_big':
    case 'invalid_value':
    case 'invalid_format':
    case 'custom':
    default: {
      const got = valueAt(input, path);
      const message = issue.message.replace(/^Invalid input: /, '');
      return { path, text: `${message}, got ${describeValue(got)}` };
    }
  }
}

/** One line per issue, sorted by key path so the output is stable. */
export function formatIssues(
  issues: ReadonlyArray<z.core.$ZodIssue>,
  input: unknown,
  source: string,
  keyPrefix = '',
): string[] {
  return issues
    .map((issue) => {
      const { path, text } = describeIssue(issue, input);
      return `${source}: ${formatKeyPath(path, keyPrefix)}: ${text}`;
    })
    .sort();
}
