import type { Callee, Value } from './facts';
import { ExpressionWalker } from './expression-walker';
import { Kind } from './kinds';
import { plainCalleeBefore } from './source-text';
import { plainAssignment, plainExpr, plainExprs, type PlainExpr } from './text-shapes';
import { UNKNOWN } from './value-walker';

const {
  callExpression: CALL_EXPRESSION, compositeLiteral: COMPOSITE_LITERAL,
  shortVarDeclaration: SHORT_VAR_DECLARATION, assignmentStatement: ASSIGNMENT_STATEMENT,
  argumentList: ARGUMENT_LIST, parenthesizedExpression: PARENTHESIZED_EXPRESSION,
  prunable: PRUNABLE, expressionList: EXPRESSION_LIST, binaryExpression: BINARY_EXPRESSION,
  unaryExpression: UNARY_EXPRESSION, selectorExpression: SELECTOR_EXPRESSION,
} = Kind; // prettier-ignore

/**
 * The walker with shortcuts: on a tree without syntax errors, a node whose text is plain
 * (`text-shapes.ts`) is read from the text with the same rules as the walk it replaces
 * (`evaluate` mirrors `expr` and `visit`), and expressions that can hold nothing to record
 * are skipped. Each shortcut asks the tree for the node's extent only (two calls into the
 * binding) instead of stepping through its children (two or three calls each); anything not
 * plain is walked by `ExpressionWalker`. The tests hold the facts of both ways to be the same.
 */
export class PlainWalker extends ExpressionWalker {
  protected override visit(kind: number): void {
    if (!this.clean || !this.readPlain(kind)) super.visit(kind);
  }

  protected override expr(kind: number): Value {
    if (this.clean && (kind === CALL_EXPRESSION || kind === COMPOSITE_LITERAL)) {
      const c = this.c;
      const plain = plainExpr(this.src, c.startIndex, c.endIndex);
      if (plain !== undefined) return this.evaluate(plain);
    }
    return super.expr(kind);
  }

  /** Reads the node under the cursor from its text when it can; false when it must be walked. */
  private readPlain(kind: number): boolean {
    switch (kind) {
      case CALL_EXPRESSION:
      case COMPOSITE_LITERAL:
        return this.readExpression();
      case SHORT_VAR_DECLARATION:
      case ASSIGNMENT_STATEMENT:
        return this.readAssignment();
      case ARGUMENT_LIST:
      case PARENTHESIZED_EXPRESSION:
        // What is between the parentheses (most argument lists).
        return this.readBetween(1, 1);
      case PRUNABLE:
      case EXPRESSION_LIST:
      case BINARY_EXPRESSION:
      case UNARY_EXPRESSION:
      case SELECTOR_EXPRESSION:
        // Expressions only (after `return`, for a return statement).
        return this.readBetween(-1, 0);
      default:
        return false;
    }
  }

  /** The call or composite literal under the cursor, when it holds nothing or is plain. */
  private readExpression(): boolean {
    const c = this.c;
    const start = c.startIndex;
    const end = c.endIndex;
    if (this.holdsNothing(start, end)) return true;
    const plain = plainExpr(this.src, start, end);
    if (plain === undefined) return false;
    this.evaluate(plain);
    return true;
  }

  /** The assignment under the cursor when its text is plain; else false. */
  private readAssignment(): boolean {
    const c = this.c;
    const plain = plainAssignment(this.src, c.startIndex, c.endIndex);
    if (plain === undefined) return false;
    const values = plain.values.map((value) => this.evaluate(value));
    this.bind(plain.targets, values, plain.declares, true);
    return true;
  }

  /**
   * The expressions of the node under the cursor, `skip` characters in from its start (-1: past
   * a leading `return`) and `trim` from its end, when they hold nothing or are plain; else false.
   */
  private readBetween(skip: number, trim: number): boolean {
    const c = this.c;
    const src = this.src;
    let start = c.startIndex;
    const end = c.endIndex - trim;
    if (skip > 0) start += skip;
    else if (src.startsWith('return', start) && !isNameChar(src.charCodeAt(start + 6))) {
      start += 6;
    }
    if (this.holdsNothing(start, end)) return true;
    const plain = plainExprs(src, start, end, trim > 0);
    if (plain === undefined) return false;
    for (const expr of plain) this.evaluate(expr);
    return true;
  }

  /**
   * The value of a plain expression, recording what it holds as `expr` and `visit` do for
   * the same nodes: a call's arguments before the call, a literal's keys and values in
   * order, a field for each element keyed by a name whose value is known.
   */
  protected evaluate(expr: PlainExpr): Value {
    switch (expr.t) {
      case 'id':
        return { k: 'id', n: expr.n };
      case 's':
        return { k: 's', v: expr.v };
      case 'sel':
        return { k: 'sel', x: expr.x, n: expr.n };
      case 'u':
        return UNKNOWN;
      case 'addr':
        return { k: 'addr', x: this.evaluate(expr.x) };
      case 'cat': {
        const parts: Value[] = [];
        for (const part of expr.p) {
          const value = this.evaluate(part);
          if (value.k === 'cat') parts.push(...value.p);
          else parts.push(value);
        }
        return { k: 'cat', p: parts };
      }
      case 'call': {
        const callee: Callee =
          expr.x === undefined ? { k: 'f', n: expr.n } : { k: 'sel', x: expr.x, n: expr.n };
        const keep = this.kept(callee);
        const args = expr.args.map((arg) => this.evaluate(arg));
        return keep ? this.recordCall(callee, args, expr.start) : UNKNOWN;
      }
      case 'lit':
        for (const { key, value } of expr.elements) {
          if (key !== undefined && key.t !== 'id') this.evaluate(key);
          const known = this.evaluate(value);
          if (key?.t === 'id' && known.k !== 'u') this.fields.push([key.n, known]);
        }
        return expr.type === undefined ? UNKNOWN : { k: 'lit', x: expr.type.x, t: expr.type.t };
    }
  }

  /**
   * Whether the expressions in `src[start, end)` (no statement can be there but in a function
   * literal) hold nothing to record: no `{` (no composite or function literal), and every `(`
   * opens the arguments of a call that is not kept, whose callee is a plain `f` or `a.b`
   * written right before it, or is not a call's (a conversion, a string's or comment's text).
   * A call that is not kept records nothing itself, and all it holds is in the same text.
   */
  private holdsNothing(start: number, end: number): boolean {
    const src = this.src;
    for (let open = start; open < end; open++) {
      const ch = src.charCodeAt(open);
      if (ch === 123) return false;
      if (ch !== 40) continue;
      const callee = plainCalleeBefore(src, open, start);
      if (callee === undefined) return false;
      const plain: Callee =
        callee.x === undefined ? { k: 'f', n: callee.n } : { k: 'sel', x: callee.x, n: callee.n };
      if (this.kept(plain)) return false;
    }
    return true;
  }
}

function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}
