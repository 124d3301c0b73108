import { BUILTINS, ImportUse, externalCallMatters, keptMethodName } from './call-filter';
import type { GoCursor } from './go-parser';
import type { CallSite, Callee, Value } from './facts';
import { Kind } from './kinds';
import { UNKNOWN, ValueWalker } from './value-walker';

export { UNKNOWN } from './value-walker';

// Plain module constants: the hot loop reads them thousands of times per file.
const {
  skip: SKIP, token: TOKEN, comment: COMMENT, packageIdentifier: PACKAGE_IDENTIFIER,
  constDeclaration: CONST_DECLARATION, varDeclaration: VAR_DECLARATION, constSpec: CONST_SPEC,
  varSpec: VAR_SPEC, varSpecList: VAR_SPEC_LIST, identifier: IDENTIFIER,
  fieldIdentifier: FIELD_IDENTIFIER, typeIdentifier: TYPE_IDENTIFIER,
  parameterList: PARAMETER_LIST, expressionList: EXPRESSION_LIST,
  callExpression: CALL_EXPRESSION, argumentList: ARGUMENT_LIST,
  selectorExpression: SELECTOR_EXPRESSION, stringLiteral: STRING_LITERAL,
  rawStringLiteral: RAW_STRING_LITERAL, unaryExpression: UNARY_EXPRESSION,
  compositeLiteral: COMPOSITE_LITERAL, qualifiedType: QUALIFIED_TYPE,
  shortVarDeclaration: SHORT_VAR_DECLARATION, assignmentStatement: ASSIGNMENT_STATEMENT,
  block: BLOCK, statementList: STATEMENT_LIST,
} = Kind; // prettier-ignore

export interface FuncBuilder {
  n: string;
  readonly p: string[];
  readonly l: [string, Value][];
  readonly c: CallSite[];
}

export type AssignTarget = { readonly local: string } | { readonly field: string } | undefined;

/**
 * Walks statements and expressions with a TreeCursor, recording calls, local bindings and
 * field assignments into the current function: what rpcmap finds is defined here. It never
 * asks for node objects (each costs microseconds in the native binding), and on a tree without
 * syntax errors reads identifiers and strings from the source text. `PlainWalker` adds the
 * shortcuts that read whole statements from their text.
 */
export class ExpressionWalker extends ValueWalker {
  protected readonly decls: [string, Value][] = [];
  protected current: FuncBuilder;
  /** names declared in the current function: a call `x.M()` on one of them is a method call */
  protected locals = new Set<string>();
  /** how calls qualified by each import name are kept (`ImportUse`) */
  protected readonly importUses = new Map<string, ImportUse>();
  protected fmtName: string | undefined;
  protected osName: string | undefined;

  constructor(
    cursor: GoCursor,
    src: string,
    clean: boolean,
    protected readonly init: FuncBuilder,
  ) {
    super(cursor, src, clean);
    this.current = init;
  }

  /** `const`/`var` declarations, at package level or in a function body. */
  protected declaration(packageLevel: boolean): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do {
      const kind = this.kind();
      if (kind === CONST_SPEC || kind === VAR_SPEC) this.spec(packageLevel);
      else if (kind === VAR_SPEC_LIST) this.declaration(packageLevel);
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  private spec(packageLevel: boolean): void {
    const c = this.c;
    const names: string[] = [];
    const values: Value[] = [];
    if (c.gotoFirstChild()) {
      do {
        const kind = this.kind();
        if (kind === IDENTIFIER) names.push(this.identifier());
        else if (kind === EXPRESSION_LIST) this.expressions(values);
      } while (c.gotoNextSibling());
      c.gotoParent();
    }
    if (!packageLevel) for (const name of names) this.locals.add(name);
    const into = packageLevel ? this.decls : this.current.l;
    const pairs = values.length === names.length ? names.length : Math.min(1, values.length);
    for (let i = 0; i < pairs; i++) {
      const value = values[i] ?? UNKNOWN;
      const name = names[i];
      if (value.k !== 'u' && name !== undefined && name !== '_') into.push([name, value]);
    }
  }

  /** Any statement or expression whose value is not needed: find the calls and bindings. */
  protected visit(kind: number): void {
    switch (kind) {
      case CALL_EXPRESSION:
        this.call();
        return;
      case SHORT_VAR_DECLARATION:
      case ASSIGNMENT_STATEMENT:
        this.assignment();
        return;
      case CONST_DECLARATION:
      case VAR_DECLARATION:
        this.declaration(false);
        return;
      case COMPOSITE_LITERAL:
        this.compositeLiteral();
        return;
      case BLOCK:
        if (this.clean) this.block();
        else this.visitChildren();
        return;
      case SKIP:
      case TOKEN:
      case COMMENT:
      case IDENTIFIER:
      case FIELD_IDENTIFIER:
      case TYPE_IDENTIFIER:
      case PACKAGE_IDENTIFIER:
      case STRING_LITERAL:
      case RAW_STRING_LITERAL:
      case PARAMETER_LIST:
      case QUALIFIED_TYPE:
        return;
      default:
        this.visitChildren();
    }
  }

  /** `{`, the statements (a statement list), `}`: only the statements need visiting. */
  private block(): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    while (c.gotoNextSibling()) {
      const kind = this.kind();
      if (kind === STATEMENT_LIST) {
        this.visitChildren();
        break;
      }
      // Comments may come before the statements; the closing brace ends the block.
      if (kind === TOKEN) break;
    }
    c.gotoParent();
  }

  private visitChildren(): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do this.visit(this.kind());
    while (c.gotoNextSibling());
    c.gotoParent();
  }

  private assignment(): void {
    const c = this.c;
    const targets: AssignTarget[] = [];
    const values: Value[] = [];
    let side = 0;
    let plainAssign = true;
    let declares = false;
    if (c.gotoFirstChild()) {
      do {
        const kind = this.kind();
        if (kind === EXPRESSION_LIST) {
          if (side++ === 0) this.assignTargets(targets);
          else this.expressions(values);
        } else if (kind === TOKEN) {
          // The operator: `:=`, `=`, or a compound one (`+=`, `<<=`, ...).
          const op = this.src.charCodeAt(c.startIndex);
          declares = op === 58;
          plainAssign = declares || op === 61;
        } else if (side > 0) this.visit(kind);
      } while (c.gotoNextSibling());
      c.gotoParent();
    }
    this.bind(targets, values, declares, plainAssign);
  }

  /** Records what an assignment binds, once its values are known. */
  protected bind(
    targets: readonly AssignTarget[],
    values: readonly Value[],
    declares: boolean,
    plainAssign: boolean,
  ): void {
    if (declares) {
      for (const target of targets) if (target && 'local' in target) this.locals.add(target.local);
    }
    if (!plainAssign) return;
    const pairs = values.length === targets.length ? targets.length : Math.min(1, values.length);
    for (let i = 0; i < pairs; i++) {
      const target = targets[i];
      const value = values[i] ?? UNKNOWN;
      if (target === undefined || value.k === 'u') continue;
      if ('local' in target) {
        if (target.local !== '_') this.current.l.push([target.local, value]);
      } else this.fields.push([target.field, value]);
    }
  }

  private assignTargets(into: AssignTarget[]): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do {
      const kind = this.kind();
      if (kind === TOKEN || kind === COMMENT) continue;
      if (kind === IDENTIFIER) into.push({ local: this.identifier() });
      else if (kind === SELECTOR_EXPRESSION) {
        const value = this.expr(kind);
        into.push(value.k === 'sel' ? { field: value.n } : undefined);
      } else if (kind === UNARY_EXPRESSION && this.src[c.startIndex] === '*') {
        // `*out = v` writes through a pointer parameter: helpers that fill in an address.
        const text = this.text().slice(1).trim();
        into.push(/^[A-Za-z_][A-Za-z0-9_]*$/.test(text) ? { local: `*${text}` } : undefined);
      } else {
        this.visit(kind);
        into.push(undefined);
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  protected call(): Value {
    const c = this.c;
    const start = c.startIndex;
    let callee: Callee | undefined;
    let keep = false;
    const args: Value[] = [];
    let first = true;
    if (!c.gotoFirstChild()) return UNKNOWN;
    do {
      const kind = this.kind();
      if (first) {
        first = false;
        if (kind === IDENTIFIER) callee = { k: 'f', n: this.identifier() };
        else if (kind === SELECTOR_EXPRESSION) callee = this.calleeSelector();
        else this.visit(kind);
        keep = callee !== undefined && this.kept(callee);
      } else if (kind === ARGUMENT_LIST) {
        // Arguments of calls that are not kept are only searched for calls of their own.
        if (keep) this.expressions(args);
        else this.visit(kind);
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (callee === undefined || !keep) return UNKNOWN;
    return this.recordCall(callee, args, start);
  }

  /** A kept call's value, recording its site (`fmt.Sprintf` and `os.Getenv` are values). */
  protected recordCall(callee: Callee, args: Value[], start: number): Value {
    if (callee.k === 'sel' && !this.locals.has(callee.x)) {
      if (callee.x === this.fmtName && callee.n === 'Sprintf') return { k: 'fmt', p: args };
      if (callee.x === this.osName && (callee.n === 'Getenv' || callee.n === 'LookupEnv')) {
        return { k: 'env', n: args[0] ?? UNKNOWN };
      }
    }
    const calls = this.current.c;
    const [line, col] = this.lines.position(start);
    calls.push({ c: callee, a: args, line, col });
    return { k: 'call', i: calls.length - 1 };
  }

  /** Whether a call can matter: everything but builtins, most of the standard library,
   * third-party calls no pattern names, and methods on local variables other than the client
   * methods rpcmap knows. */
  protected kept(callee: Callee): boolean {
    if (callee.k === 'f') return !BUILTINS.has(callee.n);
    if (callee.k === 'sel' && !this.locals.has(callee.x)) {
      if (callee.x === this.fmtName) return callee.n === 'Sprintf';
      const use = this.importUses.get(callee.x);
      if (use === ImportUse.none) return false;
      return use !== ImportUse.external || externalCallMatters(callee.n);
    }
    if (keptMethodName(callee.n)) return true;
    // A request literal's method: `ledgerproto.ReadRequest{...}.Send(ctx)` under another name.
    const receiver = callee.k === 'm' ? callee.r : UNKNOWN;
    return (receiver.k === 'addr' ? receiver.x : receiver).k === 'lit';
  }

  private calleeSelector(): Callee {
    const plain = this.plainSelector();
    if (plain) return { k: 'sel', x: plain.x, n: plain.n };
    const c = this.c;
    let receiver: Value | undefined;
    let x = '';
    let n = '';
    let first = true;
    if (c.gotoFirstChild()) {
      do {
        const kind = this.kind();
        if (first) {
          first = false;
          if (kind === IDENTIFIER) x = this.identifier();
          else receiver = this.expr(kind);
        } else if (kind === FIELD_IDENTIFIER) n = this.identifier();
      } while (c.gotoNextSibling());
      c.gotoParent();
    }
    return receiver === undefined ? { k: 'sel', x, n } : { k: 'm', r: receiver, n };
  }
}
