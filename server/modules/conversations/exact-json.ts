/**
 * What storing a line would change without a word, found in its text. A line is kept as JSON.parse
 * reads it, zod copies it and JSON.stringify writes it back: the last of two equal keys wins, a
 * `__proto__` key is dropped, a number beyond a 64-bit float's range becomes `null` (or 0) and an
 * integer beyond 2^53 is rounded. The importer refuses such a line instead, naming where, so that a
 * file is stored exactly as written or not at all.
 */

/** Deepest nesting a line may have: far beyond any real conversation, well short of what overflows the stack when the line is stored. */
export const MAX_DEPTH = 64;

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const MINUS = 45;
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const DOT = 46;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const PLUS = 43;
const LOWER_E = 101;
const UPPER_E = 69;

/** Integers up to 15 digits are always exact in a 64-bit float; only longer ones need a closer look. */
const ALWAYS_EXACT_DIGITS = 15;
/** A decimal written without an exponent needs more digits than this to leave a 64-bit float's range (1.8e308 up, 5e-324 down). */
const ALWAYS_IN_RANGE_DECIMAL = 308;

type Segment = string | number;

/** A long key or number is quoted in a message only by its start, so one bad line cannot make a report of megabytes. */
const shown = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** `metadata.scores.2`, as zod paths read; a key that is not a plain word is quoted, so the path cannot be misread. */
function describePath(path: readonly Segment[]): string {
  return path.map((s) => (typeof s === 'number' || /^[\w$-]{1,40}$/.test(s) ? String(s) : JSON.stringify(shown(s)))).join('.');
}

const located = (path: readonly Segment[], message: string) => (path.length ? `${describePath(path)}: ${message}` : message);

/** Index of the quote that closes the string opening at `start` (the text's end if none does). */
function stringEnd(text: string, start: number): number {
  for (let quote = text.indexOf('"', start + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote;
  }
  return text.length;
}

/** A key as JSON.parse reads it: `"\u005f_proto__"` is `__proto__`. */
function decodedKey(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end);
  if (!raw.includes('\\')) return raw;
  try {
    return JSON.parse(text.slice(start, end + 1)) as string;
  } catch {
    return raw; // not JSON: JSON.parse will say so
  }
}

/**
 * Why the number in `text` from `start` to `end` would not be stored as written, or null. Most
 * numbers are settled by their length alone, without reading them.
 */
function inexactNumber(text: string, start: number, end: number, hasFraction: boolean, hasExponent: boolean): string | null {
  const length = text.charCodeAt(start) === MINUS ? end - start - 1 : end - start;
  if (!hasFraction && !hasExponent) {
    if (length <= ALWAYS_EXACT_DIGITS) return null;
    const token = text.slice(start, end);
    if (Number.isSafeInteger(Number(token))) return null;
    return `${shown(token)} cannot be stored exactly: an integer beyond ±9007199254740991 (2^53 − 1) is rounded to a 64-bit float; write it as a string`;
  }
  // A number with a fraction or an exponent is a 64-bit float to every JSON library: rounding to one is
  // what the writer meant. Leaving the float's range is not: it would be stored as null, or as 0.
  if (!hasExponent && length <= ALWAYS_IN_RANGE_DECIMAL) return null;
  const token = text.slice(start, end);
  const value = Number(token);
  if (!Number.isFinite(value))
    return `${shown(token)} is too large to store: beyond ±1.8e308, a 64-bit float's range, it would become null; write it as a string`;
  if (value === 0 && /[1-9]/.test(token.split(/[eE]/)[0]!)) return `${shown(token)} is too small to store (it would become 0); write it as a string`;
  return null;
}

export interface Inspection {
  /** Nested deeper than MAX_DEPTH: the text must not be parsed at all. */
  tooDeep: boolean;
  /** The first thing storing would change, with its path (`metadata.score: …`), or null. */
  inexact: string | null;
}

/**
 * Inspects a line's text before anything parses it: whether it nests deeper than MAX_DEPTH (which
 * JSON.parse takes most of a minute and gigabytes of memory to find out on a 64 MiB line), and the
 * first `__proto__` key, key repeated in one object, or number a 64-bit float cannot hold. Text that
 * is not JSON is scanned without error; what is found in it matters only once JSON.parse accepts it.
 * One pass: strings, the bulk of a line, are skipped by searching for their closing quote, and the
 * scan goes on after a first problem only to bound the nesting.
 */
export function inspectJson(text: string): Inspection {
  // One entry per open array or object: where the scan is in it, and an object's keys so far (null for an array).
  const path: Segment[] = [];
  const keys: Array<Set<string> | null> = [];
  let expectingKey = false;
  let inexact: string | null = null;
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      const seen = keys[keys.length - 1];
      if (expectingKey && seen) {
        expectingKey = false;
        const key = decodedKey(text, i, end);
        path[path.length - 1] = key;
        // JSON.parse keeps it as a key, but copying the object (as zod does) sets the prototype instead.
        if (key === '__proto__')
          inexact ??= located(path, 'the key "__proto__" is not allowed: JavaScript takes it for the object\'s prototype and would drop it; rename it');
        else if (seen.has(key)) {
          const where = path.length > 1 ? `the object at ${describePath(path.slice(0, -1))}` : "the line's top-level object";
          inexact ??= `duplicate key ${JSON.stringify(shown(key))} in ${where}: only one of its values could be kept; remove or rename one`;
        } else seen.add(key);
      }
      i = end + 1;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (keys.length === MAX_DEPTH) return { tooDeep: true, inexact };
      const isObject = c === OPEN_OBJECT;
      keys.push(isObject ? new Set() : null);
      path.push(isObject ? '' : 0);
      expectingKey = isObject;
      i++;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      keys.pop();
      path.pop();
      expectingKey = false;
      i++;
    } else if (c === COMMA) {
      const top = keys[keys.length - 1];
      if (top === null) (path[path.length - 1] as number)++;
      else if (top) expectingKey = true;
      i++;
    } else if (c === MINUS || (c >= DIGIT_0 && c <= DIGIT_9)) {
      let end = i + 1;
      let hasFraction = false;
      let hasExponent = false;
      for (; end < text.length; end++) {
        const d = text.charCodeAt(end);
        if (d >= DIGIT_0 && d <= DIGIT_9) continue;
        if (d === DOT) hasFraction = true;
        else if (d === LOWER_E || d === UPPER_E) hasExponent = true;
        else if (d !== PLUS && d !== MINUS) break; // signs belong to the exponent
      }
      if (inexact === null) {
        const problem = inexactNumber(text, i, end, hasFraction, hasExponent);
        if (problem !== null) inexact = located(path, problem);
      }
      i = end;
    } else i++; // white space, ':', true, false, null
  }
  return { tooDeep: false, inexact };
}
