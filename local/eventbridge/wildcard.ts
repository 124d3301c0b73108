/**
 * `wildcard` patterns: `*` stands for any run of characters (the empty one too), `\*` for a
 * literal asterisk and `\\` for a literal backslash. Any other backslash, and two unescaped
 * asterisks in a row, are refused with EventBridge's messages.
 */

/** A parsed wildcard pattern: the literal pieces between its wildcards, in order. */
export interface WildcardPattern {
  /** Literal text between wildcards; a pattern with n wildcards has n + 1 pieces. */
  readonly pieces: readonly string[];
}

/** Raised for a malformed wildcard; the message is EventBridge's own. */
export class InvalidWildcardError extends Error {
  override readonly name = 'InvalidWildcardError';
}

/**
 * Parses a wildcard operand. Positions in messages count UTF-8 bytes of the operand as
 * EventBridge sees it, inside its JSON quotes, so they read as AWS's do.
 */
export function parseWildcard(text: string): WildcardPattern {
  const pieces: string[] = [];
  let piece = '';
  let bytesBefore = 1; // the opening quote
  const chars = Array.from(text);
  for (let i = 0; i < chars.length; i += 1) {
    const char = chars[i] ?? '';
    const position = bytesBefore;
    bytesBefore += Buffer.byteLength(char, 'utf8');
    if (char === '*') {
      if (chars[i + 1] === '*') {
        throw new InvalidWildcardError(`Consecutive wildcard characters at pos ${position}`);
      }
      pieces.push(piece);
      piece = '';
    } else if (char === '\\') {
      const next = chars[i + 1];
      if (next !== '*' && next !== '\\') {
        throw new InvalidWildcardError(`Invalid escape character at pos ${position}`);
      }
      piece += next;
      bytesBefore += 1;
      i += 1;
    } else {
      piece += char;
    }
  }
  pieces.push(piece);
  return { pieces };
}

/**
 * True when the whole value matches. Greedy leftmost placement of each middle piece is enough
 * for patterns whose only metacharacter is `*`, and keeps matching linear in the value's length
 * whatever the pattern (no backtracking regular expression an event could make slow).
 */
export function matchesWildcard(pattern: WildcardPattern, value: string): boolean {
  const { pieces } = pattern;
  const first = pieces[0] ?? '';
  if (pieces.length === 1) return value === first;
  const last = pieces[pieces.length - 1] ?? '';
  const end = value.length - last.length;
  if (end < first.length || !value.startsWith(first) || !value.endsWith(last)) return false;
  let position = first.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = value.indexOf(piece, position);
    if (found < 0 || found + piece.length > end) return false;
    position = found + piece.length;
  }
  return true;
}
