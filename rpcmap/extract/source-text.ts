/**
 * Reading a token's extent from the source text instead of asking the tree: each question to
 * the native tree costs a call across the N-API boundary, while scanning a few characters of
 * a JavaScript string costs next to nothing. Used only on trees without syntax errors, where
 * the tree's tokens are exactly Go's.
 */

/**
 * The end (exclusive) of the identifier that starts at `start`, or -1 when it holds a
 * character outside ASCII (the caller then asks the tree: Go identifiers may be any letter).
 */
export function identifierEnd(src: string, start: number): number {
  let i = start;
  for (; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95) {
      continue;
    }
    if (c >= 128) return -1;
    break;
  }
  return i;
}

/** The end (exclusive) of the string literal that starts at `start`, or -1 if unsure. */
export function stringLiteralEnd(src: string, start: number): number {
  const quote = src.charCodeAt(start);
  if (quote === 96) {
    const end = src.indexOf('`', start + 1);
    return end < 0 ? -1 : end + 1;
  }
  if (quote !== 34) return -1;
  for (let i = start + 1; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) return i + 1;
    else if (c === 10) return -1;
  }
  return -1;
}

/** 1-based lines and columns of string indexes, from a table of line starts built once. */
export class LineTable {
  private starts: number[] | undefined;

  constructor(private readonly src: string) {}

  /** `[line, column]` of `index`, both 1-based; columns count UTF-16 units. */
  position(index: number): [number, number] {
    let starts = this.starts;
    if (starts === undefined) {
      starts = [0];
      const src = this.src;
      for (let i = src.indexOf('\n'); i !== -1; i = src.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = starts;
    }
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] ?? 0) <= index) low = mid;
      else high = mid - 1;
    }
    return [low + 1, index - (starts[low] ?? 0) + 1];
  }
}

/** Whether `c` may be part of an ASCII identifier. */
function isIdentifierChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

function isIdentifierStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

/** Characters after which a name starts an operand: operators and opening punctuation. */
const OPERAND_BEFORE = new Set([...'([{,;:=!&*+-%<>^|~'].map((ch) => ch.charCodeAt(0)));

/**
 * Whether the name or selector ending before `end` (and starting at `start`) is a whole
 * operand: what comes before it is an operator, an opening bracket, a keyword or identifier
 * after a space (`return f(`), or nothing. Not after `.` (it is then the end of a longer
 * selector, also across a line break: `a.\n b`), a closing bracket, a literal or anything
 * outside ASCII (part of a longer name), nor after `*` `/` (a comment's end).
 */
function startsOperand(src: string, start: number, lower: number): boolean {
  let i = start - 1;
  if (i < lower) return true;
  let c = src.charCodeAt(i);
  let spaced = false;
  while (c === 32 || c === 9 || c === 10 || c === 13) {
    spaced = true;
    if (--i < lower) return true;
    c = src.charCodeAt(i);
  }
  if (OPERAND_BEFORE.has(c)) return true;
  if (c === 47) return i === lower || src.charCodeAt(i - 1) !== 42;
  return spaced && isIdentifierChar(c);
}

/**
 * The callee written right before the `(` at `open`, when it is a plain name (`f`) or a
 * plain selector (`a.b`) with nothing between it and the `(`; else undefined. When the `(`
 * opens a call's arguments, that call's callee is exactly this: the token before the `(` is
 * the callee's last one, and a name or selector that starts an operand is the whole callee.
 * `lower` is where the text may be read from (the node being looked into).
 */
export function plainCalleeBefore(
  src: string,
  open: number,
  lower: number,
): { x: string | undefined; n: string } | undefined {
  let i = open - 1;
  while (i >= lower && isIdentifierChar(src.charCodeAt(i))) i--;
  const name = i + 1;
  if (name === open || !isIdentifierStart(src.charCodeAt(name))) return undefined;
  if (i < lower || src.charCodeAt(i) !== 46) {
    return startsOperand(src, name, lower) ? { x: undefined, n: src.slice(name, open) } : undefined;
  }
  const dot = i;
  i--;
  while (i >= lower && isIdentifierChar(src.charCodeAt(i))) i--;
  const operand = i + 1;
  if (operand === dot || !isIdentifierStart(src.charCodeAt(operand))) return undefined;
  if (!startsOperand(src, operand, lower)) return undefined;
  return { x: src.slice(operand, dot), n: src.slice(dot + 1, open) };
}
