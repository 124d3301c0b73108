/**
 * CloudWatch Logs filter patterns for JSON log events, the subset subscription filters here
 * use: `{ $.a.b = value }` with `=`, `!=`, `<`, `<=`, `>`, `>=`, combined with `&&`, `||` and
 * parentheses; values are numbers, "quoted" or bare strings (`*` wildcards), NULL, true,
 * false. An empty pattern matches every event. Anything else is refused by name.
 */
export type LogFilter = (event: string) => boolean;

export class UnsupportedFilterPatternError extends Error {
  override readonly name = 'UnsupportedFilterPatternError';
}

type Comparison = { field: string[]; operator: string; value: string | number | boolean | null };
type Expression = { all: Expression[] } | { any: Expression[] } | Comparison;

export function compileFilterPattern(pattern: string): LogFilter {
  const text = pattern.trim();
  if (text === '') return () => true;
  if (!text.startsWith('{') || !text.endsWith('}'))
    throw new UnsupportedFilterPatternError(
      `only JSON filter patterns ({ $.field = value }) are supported locally, not ${pattern}`,
    );
  const parser = new Parser(text.slice(1, -1));
  const expression = parser.parseOr();
  parser.expectEnd();
  return (event) => {
    let json: unknown;
    try {
      json = JSON.parse(event);
    } catch {
      return false;
    }
    return evaluate(expression, json);
  };
}

function evaluate(expression: Expression, json: unknown): boolean {
  if ('all' in expression) return expression.all.every((e) => evaluate(e, json));
  if ('any' in expression) return expression.any.some((e) => evaluate(e, json));
  let value: unknown = json;
  for (const key of expression.field)
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<string, unknown>)[key]
        : undefined;
  const { operator, value: expected } = expression;
  if (typeof expected === 'number') {
    const actual =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && value.trim() !== ''
          ? Number(value)
          : Number.NaN;
    if (Number.isNaN(actual)) return operator === '!=';
    return (
      {
        '=': actual === expected,
        '!=': actual !== expected,
        '<': actual < expected,
        '<=': actual <= expected,
        '>': actual > expected,
        '>=': actual >= expected,
      }[operator] ?? false
    );
  }
  if (expected === null || typeof expected === 'boolean')
    return operator === '=' ? value === expected : value !== expected;
  const matches =
    typeof value === 'string' &&
    new RegExp(
      `^${expected
        .split('*')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
    ).test(value);
  return operator === '=' ? matches : !matches;
}

class Parser {
  private position = 0;
  constructor(private readonly text: string) {}

  parseOr(): Expression {
    const parts = [this.parseAnd()];
    while (this.take('||')) parts.push(this.parseAnd());
    return parts.length === 1 ? (parts[0] as Expression) : { any: parts };
  }

  expectEnd(): void {
    this.skipSpace();
    if (this.position < this.text.length)
      throw new UnsupportedFilterPatternError(
        `unexpected "${this.text.slice(this.position)}" in filter pattern`,
      );
  }

  private parseAnd(): Expression {
    const parts = [this.parseTerm()];
    while (this.take('&&')) parts.push(this.parseTerm());
    return parts.length === 1 ? (parts[0] as Expression) : { all: parts };
  }

  private parseTerm(): Expression {
    if (this.take('(')) {
      const inner = this.parseOr();
      if (!this.take(')'))
        throw new UnsupportedFilterPatternError('unbalanced parentheses in filter pattern');
      return inner;
    }
    this.skipSpace();
    const field = /^\$\.([A-Za-z0-9_.-]+)/.exec(this.text.slice(this.position));
    if (field === null)
      throw new UnsupportedFilterPatternError(
        `expected a $.field in filter pattern at "${this.text.slice(this.position)}"`,
      );
    this.position += field[0].length;
    this.skipSpace();
    const operator = /^(!=|<=|>=|=|<|>)/.exec(this.text.slice(this.position))?.[1];
    if (operator === undefined)
      throw new UnsupportedFilterPatternError('expected a comparison operator in filter pattern');
    this.position += operator.length;
    return { field: (field[1] ?? '').split('.'), operator, value: this.parseValue() };
  }

  private parseValue(): string | number | boolean | null {
    this.skipSpace();
    const rest = this.text.slice(this.position);
    const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
    const bare = /^[^\s()&|]+/.exec(rest);
    const token = quoted ?? bare;
    if (token === null)
      throw new UnsupportedFilterPatternError('expected a value in filter pattern');
    this.position += token[0].length;
    if (quoted) return (quoted[1] ?? '').replace(/\\(.)/g, '$1');
    const word = token[0];
    if (word === 'NULL') return null;
    if (word === 'true' || word === 'false') return word === 'true';
    return /^-?\d+(\.\d+)?$/.test(word) ? Number(word) : word;
  }

  private take(symbol: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(symbol, this.position)) return false;
    this.position += symbol.length;
    return true;
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.position] ?? '')) this.position += 1;
  }
}
