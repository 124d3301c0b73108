import { identifierEnd, stringLiteralEnd } from './source-text';
import { unquoteGoString } from './unquote';

/**
 * The commonest statements and expressions read from their text, once the tree has said what
 * node they are and where it starts and ends: `record, err := readAccount(ctx, id)`,
 * `s.addr = "x"`, `validate(record)`, `&Record{ID: id, Status: "active"}`,
 * `"http://" + host + "/x"`. Only the plainest shapes are accepted, every character accounted
 * for: names, `a.b`, strings, numbers, `nil`/`true`/`false`, calls whose callee is a name or
 * `a.b` written right before `(`, composite literals of a named type or of `[]T`/`map[K]V`
 * with keyed or unkeyed elements, `&`, chains of `+`, and white space between tokens. Anything
 * else (a comment, another operator, parentheses, an index, a function literal...) makes the
 * whole node undefined, and it is walked instead. Such a token sequence has one parse in Go,
 * so the parts read are the ones the tree holds, without a call into the native binding.
 */
export type PlainExpr =
  | { readonly t: 'id'; readonly n: string }
  | { readonly t: 's'; readonly v: string }
  | { readonly t: 'sel'; readonly x: string; readonly n: string }
  /** a number, `nil`, `true`, `false`, `iota`: nothing rpcmap follows */
  | { readonly t: 'u' }
  | PlainCall
  | {
      readonly t: 'lit';
      /** `pkg.T{...}`: the package and type; undefined for any other type */
      readonly type: { readonly x: string; readonly t: string } | undefined;
      readonly elements: readonly PlainElement[];
    }
  | { readonly t: 'addr'; readonly x: PlainExpr }
  /** `a + b + ...` */
  | { readonly t: 'cat'; readonly p: readonly PlainExpr[] };

export interface PlainCall {
  readonly t: 'call';
  /** where the callee starts (the call's position) */
  readonly start: number;
  readonly x: string | undefined;
  readonly n: string;
  readonly args: readonly PlainExpr[];
}

export interface PlainElement {
  /** the key (`Status: ...`, a field when it is a name), or undefined for an unkeyed element */
  readonly key: PlainExpr | undefined;
  readonly value: PlainExpr;
}

/** `a, s.f := v, w`: targets are names (locals) or `x.f` (fields). */
export interface PlainAssignment {
  readonly targets: ({ readonly local: string } | { readonly field: string })[];
  readonly declares: boolean;
  readonly values: readonly PlainExpr[];
}

/** Values the tree holds as nodes of their own, not identifiers. */
const LITERAL_NAMES = new Set(['nil', 'true', 'false', 'iota']);
/** Go's keywords: never a name. */
const KEYWORDS = new Set([
  'break', 'case', 'chan', 'const', 'continue', 'default', 'defer', 'else', 'fallthrough',
  'for', 'func', 'go', 'goto', 'if', 'import', 'interface', 'map', 'package', 'range',
  'return', 'select', 'struct', 'switch', 'type', 'var',
]); // prettier-ignore

class Reader {
  constructor(
    private readonly src: string,
    public at: number,
    private readonly end: number,
  ) {}

  space(): void {
    while (this.at < this.end) {
      const c = this.src.charCodeAt(this.at);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return;
      this.at++;
    }
  }

  done(): boolean {
    this.space();
    return this.at === this.end;
  }

  is(c: number): boolean {
    return this.at < this.end && this.src.charCodeAt(this.at) === c;
  }

  /** `c` here (after white space), consumed. */
  take(c: number): boolean {
    this.space();
    if (!this.is(c)) return false;
    this.at++;
    return true;
  }

  word(): string | undefined {
    const end = identifierEnd(this.src, this.at);
    if (end <= this.at || end > this.end) return undefined;
    const c = this.src.charCodeAt(this.at);
    if (c >= 48 && c <= 57) return undefined;
    const word = this.src.slice(this.at, end);
    this.at = end;
    return word;
  }

  name(): string | undefined {
    const word = this.word();
    return word === undefined || KEYWORDS.has(word) || LITERAL_NAMES.has(word) ? undefined : word;
  }

  /** An expression: operands joined by `+`. */
  expr(): PlainExpr | undefined {
    const first = this.operand();
    if (first === undefined) return undefined;
    const parts = [first];
    for (;;) {
      const before = this.at;
      this.space();
      // `+`, not `++` or `+=`.
      if (!this.is(43) || this.src.charCodeAt(this.at + 1) === 43) {
        this.at = before;
        break;
      }
      if (this.src.charCodeAt(this.at + 1) === 61) return undefined;
      this.at++;
      this.space();
      const next = this.operand();
      if (next === undefined) return undefined;
      parts.push(next);
    }
    return parts.length === 1 ? first : { t: 'cat', p: parts };
  }

  private operand(): PlainExpr | undefined {
    const c = this.src.charCodeAt(this.at);
    if (c === 34 || c === 96) {
      const end = stringLiteralEnd(this.src, this.at);
      if (end <= this.at || end > this.end) return undefined;
      const literal = this.src.slice(this.at, end);
      this.at = end;
      return { t: 's', v: unquoteGoString(literal) };
    }
    if (c >= 48 && c <= 57) return this.number();
    if (c === 38) {
      this.at++;
      const inner = this.operand();
      return inner === undefined ? undefined : { t: 'addr', x: inner };
    }
    if (c === 91 || c === 109) {
      const literal = this.collectionLiteral();
      if (literal !== null) return literal;
    }
    const start = this.at;
    const word = this.word();
    if (word === undefined || KEYWORDS.has(word)) return undefined;
    if (LITERAL_NAMES.has(word)) return this.endsOperand() ? { t: 'u' } : undefined;
    let x: string | undefined;
    let n = word;
    if (this.is(46)) {
      this.at++;
      const field = this.name();
      if (field === undefined) return undefined;
      x = word;
      n = field;
    }
    if (this.is(40)) return this.call(start, x, n);
    if (this.is(123)) return this.literal(x === undefined ? undefined : { x, t: n });
    if (!this.endsOperand()) return undefined;
    return x === undefined ? { t: 'id', n } : { t: 'sel', x, n };
  }

  /** What follows an operand: white space, `,`, `)`, `}`, `:`, `+`, or the end. */
  private endsOperand(): boolean {
    if (this.at >= this.end) return true;
    const c = this.src.charCodeAt(this.at);
    return c === 32 || c === 9 || c === 10 || c === 13 || c === 44 || c === 41 || c === 125
      || c === 58 || c === 43; // prettier-ignore
  }

  private number(): PlainExpr | undefined {
    let i = this.at;
    while (i < this.end) {
      const c = this.src.charCodeAt(i);
      const digitOrLetter = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
      if (!digitOrLetter && c !== 95 && c !== 46) break;
      i++;
    }
    this.at = i;
    return this.endsOperand() ? { t: 'u' } : undefined;
  }

  private call(start: number, x: string | undefined, n: string): PlainCall | undefined {
    this.at++;
    const args = this.list(41, true);
    return args === undefined ? undefined : { t: 'call', start, x, n, args };
  }

  /** Expressions up to the closing `close`, separated by `,` (a trailing one if allowed). */
  private list(close: number, trailingComma: boolean): PlainExpr[] | undefined {
    const items: PlainExpr[] = [];
    if (this.take(close)) return items;
    for (;;) {
      this.space();
      const item = this.expr();
      if (item === undefined) return undefined;
      items.push(item);
      if (this.take(close)) return items;
      if (!this.take(44)) return undefined;
      if (trailingComma && this.take(close)) return items;
    }
  }

  /** `[]T{...}` or `map[K]V{...}`; null when the text is not one (then read otherwise). */
  private collectionLiteral(): PlainExpr | undefined | null {
    const from = this.at;
    if (!this.collectionType()) {
      this.at = from;
      return null;
    }
    return this.is(123) ? this.literal(undefined) : undefined;
  }

  /** `[]T`, `map[K]V` with `T`, `K`, `V` names, `a.b`, `*T` or these again. */
  private collectionType(): boolean {
    if (this.src.startsWith('[]', this.at)) {
      this.at += 2;
      return this.elementType();
    }
    if (!this.src.startsWith('map[', this.at)) return false;
    this.at += 4;
    if (!this.elementType() || !this.is(93)) return false;
    this.at++;
    return this.elementType();
  }

  private elementType(): boolean {
    if (this.is(42)) this.at++;
    if (this.is(91) || this.is(109)) {
      const from = this.at;
      if (this.collectionType()) return true;
      this.at = from;
    }
    const word = this.name();
    if (word === undefined) return false;
    if (!this.is(46)) return true;
    this.at++;
    return this.name() !== undefined;
  }

  /** `{elements}`, keyed (`k: v`) or not, with nothing nested in braces without a type. */
  private literal(type: { x: string; t: string } | undefined): PlainExpr | undefined {
    this.at++;
    const elements: PlainElement[] = [];
    if (this.take(125)) return { t: 'lit', type, elements };
    for (;;) {
      this.space();
      const first = this.expr();
      if (first === undefined) return undefined;
      if (this.take(58)) {
        this.space();
        const value = this.expr();
        if (value === undefined) return undefined;
        elements.push({ key: first, value });
      } else elements.push({ key: undefined, value: first });
      if (this.take(125)) return { t: 'lit', type, elements };
      if (!this.take(44)) return undefined;
      if (this.take(125)) return { t: 'lit', type, elements };
    }
  }
}

/** The expression `src[start, end)`, when it is a plain one. */
export function plainExpr(src: string, start: number, end: number): PlainExpr | undefined {
  const reader = new Reader(src, start, end);
  reader.space();
  const expr = reader.expr();
  return expr !== undefined && reader.done() ? expr : undefined;
}

/** The expressions `src[start, end)` separated by commas (an expression list), if plain. */
export function plainExprs(
  src: string,
  start: number,
  end: number,
  trailingComma = false,
): readonly PlainExpr[] | undefined {
  const reader = new Reader(src, start, end);
  const items: PlainExpr[] = [];
  if (reader.done()) return items;
  for (;;) {
    reader.space();
    const item = reader.expr();
    if (item === undefined) return undefined;
    items.push(item);
    if (!reader.take(44)) break;
    if (trailingComma && reader.done()) break;
  }
  return reader.done() ? items : undefined;
}

/** The assignment or short declaration `src[start, end)`, when it is a plain one. */
export function plainAssignment(
  src: string,
  start: number,
  end: number,
): PlainAssignment | undefined {
  const reader = new Reader(src, start, end);
  const targets: PlainAssignment['targets'] = [];
  for (;;) {
    reader.space();
    const name = reader.name();
    if (name === undefined) return undefined;
    if (reader.is(46)) {
      reader.at++;
      const field = reader.name();
      if (field === undefined) return undefined;
      targets.push({ field });
    } else targets.push({ local: name });
    if (!reader.take(44)) break;
  }
  reader.space();
  const declares = reader.is(58);
  if (declares) reader.at++;
  if (!reader.is(61)) return undefined;
  reader.at++;
  // `==` is no assignment (and the tree would not have said it is one).
  if (reader.is(61)) return undefined;
  const values = plainExprs(src, reader.at, end);
  return values === undefined ? undefined : { targets, declares, values };
}
