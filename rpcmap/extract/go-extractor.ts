import {
  FACTS_VERSION,
  PACKAGE_INIT,
  type CallSite,
  type Callee,
  type FileFacts,
  type FuncFacts,
  type ImportFact,
  type Value,
} from './facts';
import type { GoCursor, GoTree } from './go-parser';
import { KIND_BY_NAME, Kind } from './kinds';
import { unquoteGoString } from './unquote';

/**
 * Reads one parsed Go file into facts. It walks the tree once with a TreeCursor and never asks
 * for node objects: in the native binding every node handed to JavaScript is registered with
 * the tree and costs microseconds, while a cursor step costs a few hundred nanoseconds, and the
 * walk is most of what the analysis costs over parsing.
 */
export function extractFacts(tree: GoTree, source: string): FileFacts {
  const walker = new FileWalker(tree.walk(), source);
  walker.walkFile();
  const root = tree.rootNode;
  const syntaxError = root.hasError ? firstErrorPosition(tree) : undefined;
  return walker.facts(root.endPosition.row + 1, syntaxError);
}

const UNKNOWN: Value = { k: 'u' };

/** Calls to these never reach another service, whatever their arguments. */
const BUILTINS = new Set([
  'append', 'cap', 'clear', 'close', 'complex', 'copy', 'delete', 'imag', 'len', 'make', 'max',
  'min', 'new', 'panic', 'print', 'println', 'real', 'recover', 'string', 'int', 'int8', 'int16',
  'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'float32',
  'float64', 'byte', 'rune', 'bool', 'error', 'any',
]); // prettier-ignore

/** Standard-library packages whose calls matter; the others are skipped at once. */
const KEPT_STDLIB = new Set(['net/http', 'net', 'os']);

/** Method names a call on an arbitrary receiver (a field, a call's result) is kept for. */
const KEPT_METHODS = new Set([
  'Do', 'Get', 'Post', 'PostForm', 'Head', 'Put', 'Patch', 'Delete', 'NewRequest',
  'NewRequestWithContext', 'Dial', 'DialContext', 'NewClient', 'InvokeMethod',
  'InvokeMethodWithContent', 'InvokeMethodWithCustomContent', 'Send', 'SendVia', 'Call',
]); // prettier-ignore

/** A node type id to our own small kind, learnt once per language as ids are seen. */
const kindOfId: number[] = [];
const ERROR_ID_LIMIT = 4096;

// Plain module constants: the hot loop reads them thousands of times per file.
const {
  other: OTHER, skip: SKIP, token: TOKEN, comment: COMMENT, packageClause: PACKAGE_CLAUSE,
  packageIdentifier: PACKAGE_IDENTIFIER, importDeclaration: IMPORT_DECLARATION,
  importSpecList: IMPORT_SPEC_LIST, importSpec: IMPORT_SPEC, constDeclaration: CONST_DECLARATION,
  varDeclaration: VAR_DECLARATION, constSpec: CONST_SPEC, varSpec: VAR_SPEC,
  varSpecList: VAR_SPEC_LIST, functionDeclaration: FUNCTION_DECLARATION,
  methodDeclaration: METHOD_DECLARATION, identifier: IDENTIFIER, fieldIdentifier: FIELD_IDENTIFIER,
  typeIdentifier: TYPE_IDENTIFIER, parameterList: PARAMETER_LIST,
  parameterDeclaration: PARAMETER_DECLARATION,
  variadicParameterDeclaration: VARIADIC_PARAMETER_DECLARATION, block: BLOCK,
  expressionList: EXPRESSION_LIST, callExpression: CALL_EXPRESSION, argumentList: ARGUMENT_LIST,
  selectorExpression: SELECTOR_EXPRESSION, stringLiteral: STRING_LITERAL,
  rawStringLiteral: RAW_STRING_LITERAL, binaryExpression: BINARY_EXPRESSION,
  unaryExpression: UNARY_EXPRESSION, parenthesizedExpression: PARENTHESIZED_EXPRESSION,
  compositeLiteral: COMPOSITE_LITERAL, literalValue: LITERAL_VALUE, keyedElement: KEYED_ELEMENT,
  literalElement: LITERAL_ELEMENT, qualifiedType: QUALIFIED_TYPE,
  shortVarDeclaration: SHORT_VAR_DECLARATION, assignmentStatement: ASSIGNMENT_STATEMENT,
} = Kind; // prettier-ignore

interface FuncBuilder {
  n: string;
  readonly p: string[];
  readonly l: [string, Value][];
  readonly c: CallSite[];
}

type AssignTarget = { readonly local: string } | { readonly field: string } | undefined;

class FileWalker {
  private pkg = '';
  private generated = false;
  private mock = false;
  private beforePackage = true;
  private readonly imports: ImportFact[] = [];
  private readonly decls: [string, Value][] = [];
  private readonly fields: [string, Value][] = [];
  private readonly funcs: FuncBuilder[] = [];
  private readonly init: FuncBuilder = { n: PACKAGE_INIT, p: [], l: [], c: [] };
  private current: FuncBuilder = this.init;
  /** names declared in the current function: a call `x.M()` on one of them is a method call */
  private locals = new Set<string>();
  /** qualifiers of standard-library imports whose calls are never kept */
  private readonly skippedQualifiers = new Set<string>();
  private fmtName: string | undefined;
  private osName: string | undefined;
  private lineStarts: number[] | undefined;

  constructor(
    private readonly c: GoCursor,
    private readonly src: string,
  ) {}

  facts(lines: number, syntaxError: FileFacts['syntaxError']): FileFacts {
    const funcs: FuncFacts[] = this.funcs;
    if (this.init.c.length > 0 || this.init.l.length > 0) funcs.push(this.init);
    return {
      v: FACTS_VERSION,
      pkg: this.pkg,
      generated: this.generated,
      mock: this.mock,
      ...(syntaxError ? { syntaxError } : {}),
      imports: this.imports,
      decls: this.decls,
      fields: this.fields,
      funcs,
      lines,
    };
  }

  private kind(): number {
    const c = this.c;
    const id = c.nodeTypeId;
    if (id >= ERROR_ID_LIMIT) return OTHER;
    let kind = kindOfId[id];
    if (kind === undefined) {
      kind = KIND_BY_NAME.get(c.nodeType) ?? (c.nodeIsNamed ? OTHER : TOKEN);
      kindOfId[id] = kind;
    }
    return kind;
  }

  private text(): string {
    const c = this.c;
    return this.src.slice(c.startIndex, c.endIndex);
  }

  walkFile(): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do {
      const kind = this.kind();
      if (kind === COMMENT) {
        if (this.beforePackage) this.headerComment(this.text());
      } else if (kind === PACKAGE_CLAUSE) this.packageClause();
      else if (kind === IMPORT_DECLARATION) this.importDeclaration();
      else if (kind === CONST_DECLARATION || kind === VAR_DECLARATION) this.declaration(true);
      else if (kind === FUNCTION_DECLARATION || kind === METHOD_DECLARATION) {
        this.functionDeclaration();
      } else this.visit(kind);
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  private headerComment(text: string): void {
    // Go's convention for generated files, checked on the comments above the package clause.
    if (text.startsWith('// Code generated') && text.includes('DO NOT EDIT')) {
      this.generated = true;
      if (/\b(MockGen|mockery|counterfeiter|moq)\b/.test(text)) this.mock = true;
    }
  }

  private packageClause(): void {
    this.beforePackage = false;
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do if (this.kind() === PACKAGE_IDENTIFIER) this.pkg = this.text();
    while (c.gotoNextSibling());
    c.gotoParent();
  }

  private importDeclaration(): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do {
      const kind = this.kind();
      if (kind === IMPORT_SPEC) this.importSpec();
      else if (kind === IMPORT_SPEC_LIST) this.importDeclaration();
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  private importSpec(): void {
    const c = this.c;
    let alias: string | undefined;
    let path: string | undefined;
    if (c.gotoFirstChild()) {
      do {
        const kind = this.kind();
        if (kind === STRING_LITERAL || kind === RAW_STRING_LITERAL) {
          path = unquoteGoString(this.text());
        } else if (kind !== COMMENT && kind !== TOKEN) alias = this.text();
      } while (c.gotoNextSibling());
      c.gotoParent();
    }
    if (path === undefined) return;
    this.imports.push(alias === undefined ? { path } : { path, alias });
    const name = alias ?? defaultImportName(path);
    if (path === 'fmt') this.fmtName = name;
    else if (path === 'os') this.osName = name;
    if (!path.split('/')[0]?.includes('.') && !KEPT_STDLIB.has(path)) {
      this.skippedQualifiers.add(name);
    }
  }

  /** `const`/`var` declarations, at package level or in a function body. */
  private declaration(packageLevel: boolean): void {
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
        if (kind === IDENTIFIER) names.push(this.text());
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

  private expressions(into: Value[]): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do {
      const kind = this.kind();
      if (kind !== TOKEN && kind !== COMMENT) into.push(this.expr(kind));
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  private functionDeclaration(): void {
    const c = this.c;
    let receiverType: string | undefined;
    let name = '';
    let sawParameters = false;
    const fn: FuncBuilder = { n: '', p: [], l: [], c: [] };
    this.locals = new Set();
    if (!c.gotoFirstChild()) return;
    do {
      const kind = this.kind();
      if (kind === PARAMETER_LIST) {
        // A method's first parameter list is its receiver; the next one its parameters.
        if (name === '' && !sawParameters) {
          receiverType = receiverTypeName(this.text());
          this.parameterNames([]);
        } else if (!sawParameters) {
          sawParameters = true;
          this.parameterNames(fn.p);
        }
      } else if (kind === IDENTIFIER || kind === FIELD_IDENTIFIER) {
        if (name === '') name = this.text();
      } else if (kind === BLOCK) {
        this.current = fn;
        this.visit(kind);
        this.current = this.init;
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
    fn.n = receiverType === undefined ? name : `${receiverType}.${name}`;
    this.funcs.push(fn);
  }

  private parameterNames(into: string[]): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do {
      const kind = this.kind();
      if (kind !== PARAMETER_DECLARATION && kind !== VARIADIC_PARAMETER_DECLARATION) continue;
      let named = false;
      if (c.gotoFirstChild()) {
        do {
          if (this.kind() === IDENTIFIER) {
            const param = this.text();
            into.push(param);
            this.locals.add(param);
            named = true;
          }
        } while (c.gotoNextSibling());
        c.gotoParent();
      }
      if (!named) into.push('_');
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  /** Any statement or expression whose value is not needed: find the calls and bindings. */
  private visit(kind: number): void {
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
      default: {
        const c = this.c;
        if (!c.gotoFirstChild()) return;
        do this.visit(this.kind());
        while (c.gotoNextSibling());
        c.gotoParent();
      }
    }
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
          const op = this.text();
          declares = op === ':=';
          plainAssign = declares || op === '=';
        } else if (side > 0) this.visit(kind);
      } while (c.gotoNextSibling());
      c.gotoParent();
    }
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
      if (kind === IDENTIFIER) into.push({ local: this.text() });
      else if (kind === SELECTOR_EXPRESSION) {
        const value = this.expr(kind);
        into.push(value.k === 'sel' ? { field: value.n } : undefined);
      } else if (kind === UNARY_EXPRESSION && this.src[c.startIndex] === '*') {
        // `*out = v` writes through a pointer parameter: helpers that fill in an address.
        const text = this.text().slice(1).trim();
        into.push(isIdentifier(text) ? { local: `*${text}` } : undefined);
      } else {
        this.visit(kind);
        into.push(undefined);
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  /** The value of the expression under the cursor, recording the calls inside it. */
  private expr(kind: number): Value {
    switch (kind) {
      case STRING_LITERAL:
      case RAW_STRING_LITERAL:
        return { k: 's', v: unquoteGoString(this.text()) };
      case IDENTIFIER:
        return { k: 'id', n: this.text() };
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

  private selector(): Value {
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
        if (kind === IDENTIFIER) operandName = this.text();
        else this.visit(kind);
      } else if (kind === FIELD_IDENTIFIER) field = this.text();
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
      if (kind === TOKEN) plus = this.text() === '+';
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
    const address = this.src[c.startIndex] === '&';
    let operand: Value = UNKNOWN;
    if (!c.gotoFirstChild()) return UNKNOWN;
    do {
      const kind = this.kind();
      if (kind !== TOKEN && kind !== COMMENT) operand = this.expr(kind);
    } while (c.gotoNextSibling());
    c.gotoParent();
    return address ? { k: 'addr', x: operand } : UNKNOWN;
  }

  private compositeLiteral(): Value {
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
      if (kind === PACKAGE_IDENTIFIER) x = this.text();
      else if (kind === TYPE_IDENTIFIER) t = this.text();
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
          if (kind === IDENTIFIER) key = this.text();
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

  private call(): Value {
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
        if (kind === IDENTIFIER) callee = { k: 'f', n: this.text() };
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
    if (callee.k === 'sel' && !this.locals.has(callee.x)) {
      if (callee.x === this.fmtName && callee.n === 'Sprintf') return { k: 'fmt', p: args };
      if (callee.x === this.osName && (callee.n === 'Getenv' || callee.n === 'LookupEnv')) {
        return { k: 'env', n: args[0] ?? UNKNOWN };
      }
    }
    const calls = this.current.c;
    const [line, col] = this.position(start);
    calls.push({ c: callee, a: args, line, col });
    return { k: 'call', i: calls.length - 1 };
  }

  /** Whether a call can matter: everything but builtins, most of the standard library, and
   * methods on local variables other than the client methods rpcmap knows. */
  private kept(callee: Callee): boolean {
    if (callee.k === 'f') return !BUILTINS.has(callee.n);
    if (callee.k === 'sel' && !this.locals.has(callee.x)) {
      if (callee.x === this.fmtName) return callee.n === 'Sprintf';
      return !this.skippedQualifiers.has(callee.x);
    }
    return keptMethodCall(callee.n, callee.k === 'm' ? callee.r : UNKNOWN);
  }

  private calleeSelector(): Callee {
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
          if (kind === IDENTIFIER) x = this.text();
          else receiver = this.expr(kind);
        } else if (kind === FIELD_IDENTIFIER) n = this.text();
      } while (c.gotoNextSibling());
      c.gotoParent();
    }
    return receiver === undefined ? { k: 'sel', x, n } : { k: 'm', r: receiver, n };
  }

  /** 1-based line and column of a string index, from a table of line starts built once. */
  private position(index: number): [number, number] {
    let starts = this.lineStarts;
    if (starts === undefined) {
      starts = [0];
      for (let i = this.src.indexOf('\n'); i !== -1; i = this.src.indexOf('\n', i + 1)) {
        starts.push(i + 1);
      }
      this.lineStarts = starts;
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

function keptMethodCall(name: string, receiverValue: Value): boolean {
  if (KEPT_METHODS.has(name)) return true;
  if (name.startsWith('New') && name.endsWith('Client')) return true;
  const receiver = receiverValue.k === 'addr' ? receiverValue.x : receiverValue;
  return receiver.k === 'lit';
}

/** The name a package is used by when imported without an alias (a guess refined later). */
export function defaultImportName(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1] ?? path;
  // Major-version suffixes are not part of the name: github.com/x/y/v2 is package y.
  if (/^v[0-9]+$/.test(last) && parts.length > 1) last = parts[parts.length - 2] ?? last;
  // gopkg.in/yaml.v3 is package yaml.
  last = last.replace(/\.v[0-9]+$/, '');
  return last.replace(/^go-/, '').replace(/[.-]/g, '');
}

function receiverTypeName(receiverText: string): string | undefined {
  const match = /([A-Za-z_][A-Za-z0-9_]*)\s*(\[[^\]]*\])?\s*\)\s*$/.exec(receiverText);
  return match?.[1];
}

function isIdentifier(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text);
}

function firstErrorPosition(tree: GoTree): { line: number; col: number } | undefined {
  // Only for files that failed to parse cleanly, so the node objects this costs are rare.
  const cursor = tree.walk();
  for (;;) {
    if (cursor.nodeType === 'ERROR' || cursor.nodeIsMissing) {
      const at = cursor.startPosition;
      return { line: at.row + 1, col: at.column + 1 };
    }
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) {
      if (!cursor.gotoParent()) return undefined;
    }
  }
}
