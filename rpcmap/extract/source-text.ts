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

/**
 * Whether `src[start, end)` can hold no call, composite literal or function literal: it has
 * neither `(` nor `{`. Such an expression is skipped without walking its nodes.
 */
export function holdsNoCall(src: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c === 40 || c === 123) return false;
  }
  return true;
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
