import { CursorReader } from './cursor-reader';
import type { Value } from './facts';
import { Kind } from './kinds';

export const UNKNOWN: Value = { k: 'u' };

// Plain module constants: the hot loop reads them thousands of times per file.
const {
  token: TOKEN, comment: COMMENT, packageIdentifier: PACKAGE_IDENTIFIER, identifier: IDENTIFIER,
  fieldIdentifier: FIELD_IDENTIFIER, typeIdentifier: TYPE_IDENTIFIER,
  callExpression: CALL_EXPRESSION, selectorExpression: SELECTOR_EXPRESSION,
  stringLiteral: STRING_LITERAL, rawStringLiteral: RAW_STRING_LITERAL,
  binaryExpression: BINARY_EXPRESSION, unaryExpression: UNARY_EXPRESSION,
  parenthesizedExpression: PARENTHESIZED_EXPRESSION, compositeLiteral: COMPOSITE_LITERAL,
  literalValue: LITERAL_VALUE, keyedElement: KEYED_ELEMENT, literalElement: LITERAL_ELEMENT,
  qualifiedType: QUALIFIED_TYPE,
} = Kind; // prettier-ignore

/**
 * The value of an expression under the cursor, for the few forms a target can be built from
 * (strings, names, selectors, `+`, `&`, `fmt.Sprintf`, composite literals), recording the
 * calls inside it on the way; any other expression is only searched for calls (`visit`).
 */
export abstract class ValueWalker extends CursorReader {
  /** `x.f = v`, `&T{f: v}`: field `f` holds `v`, package-wide */
  protected readonly fields: [string, Value][] = [];

  /** Finds the calls and bindings in a node whose value is not needed. */
  protected abstract visit(kind: number): void;
  /** Records the call under the cursor (if it can matter) and returns its value. */
  protected abstract call(): Value;

  /** The values of the expressions among the children of the node under the cursor. */
  protected expressions(into: Value[]): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do {
      const kind = this.kind();
      if (kind !== TOKEN && kind !== COMMENT) into.push(this.expr(kind));
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  /** The value of the expression under the cursor, recording the calls inside it. */
  protected expr(kind: number): Value {
    switch (kind) {
      case STRING_LITERAL:
      case RAW_STRING_LITERAL:
        return { k: 's', v: this.stringValue() };
      case IDENTIFIER:
        return { k: 'id', n: this.identifier() };
      case CALL_EXPRESSION:
        return this.call();
      case SELECTOR_EXPRESSION:
        return this.selector();
      case BINARY_EXPRESSION:
        return this.binary();
      case UNARY_EXPRESSION:
        return this.unary();
      case PARENTHESIZED_EXPRESSION:
        return this.parenthesized();
      case COMPOSITE_LITERAL:
        return this.compositeLiteral();
      default:
        this.visit(kind);
        return UNKNOWN;
    }
  }

  private parenthesized(): Value {
    const c = this.c;
    let inner: Value = UNKNOWN;
    if (!c.gotoFirstChild()) return inner;
    do {
      const kind = this.kind();
      if (kind !== TOKEN && kind !== COMMENT) inner = this.expr(kind);
    } while (c.gotoNextSibling());
    c.gotoParent();
    return inner;
  }

  protected selector(): Value {
    const plain = this.plainSelector();
    if (plain) return { k: 'sel', x: plain.x, n: plain.n };
    const c = this.c;
    let operandName = '';
    let field = '';
    let first = true;
    if (!c.gotoFirstChild()) return UNKNOWN;
    do {
      const kind = this.kind();
      if (first) {
        first = false;
        // `a.b.c` keeps only the field `c`: fields are followed by name, package-wide.
        if (kind === IDENTIFIER) operandName = this.identifier();
        else this.visit(kind);
      } else if (kind === FIELD_IDENTIFIER) field = this.identifier();
    } while (c.gotoNextSibling());
    c.gotoParent();
    return { k: 'sel', x: operandName, n: field };
  }

  private binary(): Value {
    const c = this.c;
    const parts: Value[] = [];
    let plus = false;
    if (!c.gotoFirstChild()) return UNKNOWN;
    do {
      const kind = this.kind();
      // The operator: of the binary operators only `+` starts with a plus.
      if (kind === TOKEN) plus = this.src.charCodeAt(c.startIndex) === 43;
      else if (kind !== COMMENT) {
        const value = this.expr(kind);
        if (value.k === 'cat') parts.push(...value.p);
        else parts.push(value);
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
    return plus ? { k: 'cat', p: parts } : UNKNOWN;
  }

  private unary(): Value {
    const c = this.c;
    const address = this.src.charCodeAt(c.startIndex) === 38;
    let operand: Value = UNKNOWN;
    if (!c.gotoFirstChild()) return UNKNOWN;
    do {
      const kind = this.kind();
      if (kind !== TOKEN && kind !== COMMENT) operand = this.expr(kind);
    } while (c.gotoNextSibling());
    c.gotoParent();
    return address ? { k: 'addr', x: operand } : UNKNOWN;
  }

  protected compositeLiteral(): Value {
    const c = this.c;
    let value: Value = UNKNOWN;
    if (!c.gotoFirstChild()) return value;
    do {
      const kind = this.kind();
      if (kind === QUALIFIED_TYPE) value = this.qualifiedType();
      else if (kind === LITERAL_VALUE) this.literalBody();
    } while (c.gotoNextSibling());
    c.gotoParent();
    return value;
  }

  private qualifiedType(): Value {
    const c = this.c;
    let x = '';
    let t = '';
    if (!c.gotoFirstChild()) return UNKNOWN;
    do {
      const kind = this.kind();
      if (kind === PACKAGE_IDENTIFIER) x = this.identifier();
      else if (kind === TYPE_IDENTIFIER) t = this.identifier();
    } while (c.gotoNextSibling());
    c.gotoParent();
    return { k: 'lit', x, t };
  }

  /** `{f: v, ...}`: keyed fields feed the package-wide field bindings. */
  private literalBody(): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do {
      const kind = this.kind();
      if (kind === KEYED_ELEMENT) this.keyedElement();
      else if (kind === LITERAL_ELEMENT) this.elementValue();
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  private keyedElement(): void {
    const c = this.c;
    let key = '';
    let index = 0;
    if (!c.gotoFirstChild()) return;
    do {
      if (this.kind() !== LITERAL_ELEMENT) continue;
      if (index++ === 0) {
        if (c.gotoFirstChild()) {
          const kind = this.kind();
          if (kind === IDENTIFIER) key = this.identifier();
          else this.visit(kind);
          c.gotoParent();
        }
      } else {
        const value = this.elementValue();
        if (key !== '' && value.k !== 'u') this.fields.push([key, value]);
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  private elementValue(): Value {
    const c = this.c;
    let value: Value = UNKNOWN;
    if (!c.gotoFirstChild()) return value;
    do {
      const kind = this.kind();
      if (kind === LITERAL_VALUE) this.literalBody();
      else if (kind !== TOKEN && kind !== COMMENT) value = this.expr(kind);
    } while (c.gotoNextSibling());
    c.gotoParent();
    return value;
  }
}
