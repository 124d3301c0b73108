import { ImportUse, importUse } from './call-filter';
import type { FuncBuilder } from './expression-walker';
import {
  FACTS_VERSION,
  PACKAGE_INIT,
  type FileFacts,
  type FuncFacts,
  type ImportFact,
} from './facts';
import type { GoCursor, GoTree } from './go-parser';
import {
  defaultImportName,
  generatedMarker,
  plainParameterNames,
  receiverTypeName,
} from './go-names';
import { Kind } from './kinds';
import { PlainWalker } from './plain-walker';

export interface ExtractOptions {
  /**
   * Module paths of the tree's go.mod files. With them, calls into third-party packages that
   * no pattern names (`slog.Error(...)`) are dropped at once; without, every call into a
   * package with a domain is kept, since the resolver may match it to the tree by suffix.
   */
  readonly modulePaths: readonly string[];
}

/**
 * Reads one parsed Go file into facts. The top level (package clause, imports, declarations,
 * functions) is walked here with a TreeCursor; statements and expressions by `PlainWalker`
 * (plain text) and `ExpressionWalker` and `ValueWalker` (the rest).
 */
export function extractFacts(tree: GoTree, source: string, options: ExtractOptions): FileFacts {
  const root = tree.rootNode;
  const clean = !root.hasError;
  const walker = new FileWalker(tree.walk(), source, clean, options.modulePaths);
  walker.walkFile();
  const syntaxError = clean ? undefined : firstErrorPosition(tree);
  return walker.facts(root.endPosition.row + 1, syntaxError);
}

const {
  token: TOKEN, comment: COMMENT, packageClause: PACKAGE_CLAUSE,
  packageIdentifier: PACKAGE_IDENTIFIER, importDeclaration: IMPORT_DECLARATION,
  importSpecList: IMPORT_SPEC_LIST, importSpec: IMPORT_SPEC, constDeclaration: CONST_DECLARATION,
  varDeclaration: VAR_DECLARATION, functionDeclaration: FUNCTION_DECLARATION,
  methodDeclaration: METHOD_DECLARATION, identifier: IDENTIFIER, fieldIdentifier: FIELD_IDENTIFIER,
  parameterList: PARAMETER_LIST, parameterDeclaration: PARAMETER_DECLARATION,
  variadicParameterDeclaration: VARIADIC_PARAMETER_DECLARATION, block: BLOCK,
  stringLiteral: STRING_LITERAL, rawStringLiteral: RAW_STRING_LITERAL,
} = Kind; // prettier-ignore

class FileWalker extends PlainWalker {
  private pkg = '';
  private generated = false;
  private mock = false;
  private beforePackage = true;
  private readonly imports: ImportFact[] = [];
  private readonly funcs: FuncBuilder[] = [];

  constructor(
    cursor: GoCursor,
    source: string,
    clean: boolean,
    private readonly modulePaths: readonly string[],
  ) {
    super(cursor, source, clean, { n: PACKAGE_INIT, p: [], l: [], c: [] });
  }

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

  walkFile(): void {
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do {
      const kind = this.kind();
      if (kind === COMMENT) {
        if (this.beforePackage) {
          const marker = generatedMarker(this.text());
          if (marker.generated) this.generated = true;
          if (marker.mock) this.mock = true;
        }
      } else if (kind === PACKAGE_CLAUSE) this.packageClause();
      else if (kind === IMPORT_DECLARATION) this.importDeclaration();
      else if (kind === CONST_DECLARATION || kind === VAR_DECLARATION) this.declaration(true);
      else if (kind === FUNCTION_DECLARATION || kind === METHOD_DECLARATION) {
        this.functionDeclaration();
      } else this.visit(kind);
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  private packageClause(): void {
    this.beforePackage = false;
    const c = this.c;
    if (!c.gotoFirstChild()) return;
    do if (this.kind() === PACKAGE_IDENTIFIER) this.pkg = this.identifier();
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
        if (kind === STRING_LITERAL || kind === RAW_STRING_LITERAL) path = this.stringValue();
        else if (kind !== COMMENT && kind !== TOKEN) alias = this.text();
      } while (c.gotoNextSibling());
      c.gotoParent();
    }
    if (path === undefined) return;
    this.imports.push(alias === undefined ? { path } : { path, alias });
    const name = alias ?? defaultImportName(path);
    if (path === 'fmt') this.fmtName = name;
    else if (path === 'os') this.osName = name;
    // Two imports under one name (a file that does not compile): the most cautious use wins.
    const use = importUse(path, this.modulePaths);
    const known = this.importUses.get(name);
    const stronger = use === ImportUse.none || (use === ImportUse.all && known !== ImportUse.none);
    if (known === undefined || stronger) this.importUses.set(name, use);
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
          const text = this.text();
          receiverType = receiverTypeName(text);
          this.parameters(text, []);
        } else if (!sawParameters) {
          sawParameters = true;
          this.parameters(this.text(), fn.p);
        }
      } else if (kind === IDENTIFIER || kind === FIELD_IDENTIFIER) {
        if (name === '') name = this.identifier();
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

  /** The parameter list under the cursor (written `text`): names into `into` and locals. */
  private parameters(text: string, into: string[]): void {
    const plain = this.clean ? plainParameterNames(text) : undefined;
    if (plain === undefined) {
      this.parameterNames(into);
      return;
    }
    for (const param of plain) {
      into.push(param ?? '_');
      if (param !== undefined) this.locals.add(param);
    }
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
            const param = this.identifier();
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
