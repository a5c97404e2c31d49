/**
 * Splits a comma-separated option value. Commas inside `{…}` stay, so a brace glob such as
 * `**\/*.{int,integration}.*` is one item. The schemas declare list options as strings because
 * Nx splits `type: array` values on every comma, braces included.
 */
export function splitList(value: string | readonly string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const parts = typeof value === 'string' ? splitOutsideBraces(value) : [...value];
  const items = parts.map((item) => item.trim()).filter((item) => item !== '');
  return items;
}

function splitOutsideBraces(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of value) {
    if (char === '{') depth++;
    else if (char === '}' && depth > 0) depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}
