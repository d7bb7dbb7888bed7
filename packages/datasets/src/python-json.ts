/**
 * JSON as Python's `json` module writes it: like JSON, plus the bare tokens `NaN`, `Infinity` and
 * `-Infinity` (Minari's metadata.json holds them for unbounded Box spaces). `JSON.parse` rejects
 * them ("No number after minus sign"), so they are swapped for marker strings outside string
 * literals, parsed, and revived.
 */
const MARKER = '\u0000offrl-nonfinite:';
const TOKENS: readonly [string, number][] = [
  ['-Infinity', Number.NEGATIVE_INFINITY],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['NaN', Number.NaN],
];

/** Parses Python-flavoured JSON; throws `SyntaxError` like `JSON.parse` on anything else. */
export function parsePythonJson(text: string): unknown {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      const end = endOfString(text, i);
      out += text.slice(i, end);
      i = end;
      continue;
    }
    const token = TOKENS.find(([word]) => text.startsWith(word, i));
    if (token !== undefined) {
      out += JSON.stringify(MARKER + token[0]);
      i += token[0].length;
      continue;
    }
    out += c;
    i++;
  }
  return JSON.parse(out, (_key, value: unknown) => {
    if (typeof value === 'string' && value.startsWith(MARKER)) {
      const word = value.slice(MARKER.length);
      return TOKENS.find(([w]) => w === word)?.[1] ?? value;
    }
    return value;
  });
}

/** Index just past the string literal starting at `start` (honouring backslash escapes). */
function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '"') return i + 1;
    else i++;
  }
  return text.length; // unterminated: let JSON.parse report it
}

/** Serialises like Python's `json.dumps`: non-finite numbers become bare `NaN`/`Infinity`/`-Infinity`. */
export function stringifyPythonJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v !== 'number' || Number.isFinite(v)) return v;
      return MARKER + (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');
    },
    indent,
  );
  // JSON.stringify escapes the marker's NUL as \u0000.
  return text.replace(/"\\u0000offrl-nonfinite:(-?Infinity|NaN)"/g, '$1');
}
