import type { GoCursor } from './go-parser';
import { KIND_BY_NAME, Kind } from './kinds';
import { identifierEnd, LineTable, stringLiteralEnd } from './source-text';
import { unquoteGoString } from './unquote';

/** A node type id to our own small kind, learnt once per language as ids are seen. */
const kindOfId: number[] = [];
const ERROR_ID_LIMIT = 4096;
const { other: OTHER, token: TOKEN } = Kind;

/** The kind of the nodes of grammar symbol `id` named `name`. */
export function kindOfSymbol(id: number, name: () => string, named: () => boolean): number {
  if (id >= ERROR_ID_LIMIT) return OTHER;
  let kind = kindOfId[id];
  if (kind === undefined) {
    kind = KIND_BY_NAME.get(name()) ?? (named() ? OTHER : TOKEN);
    kindOfId[id] = kind;
  }
  return kind;
}

/**
 * What the node under a TreeCursor is, read with as few questions to the tree as it can: each
 * question is a call into the native binding, while scanning a few characters of the source
 * costs next to nothing. On a tree without syntax errors (`clean`) identifiers, strings and
 * plain selectors are read from the text.
 */
export class CursorReader {
  /** 1-based lines and columns of the source's indexes */
  protected readonly lines: LineTable;

  constructor(
    /** the cursor every read is of; the sparse walk moves it from node to node */
    protected c: GoCursor,
    protected readonly src: string,
    /** the tree has no syntax error: its tokens can be read from the text */
    protected readonly clean: boolean,
  ) {
    this.lines = new LineTable(src);
  }

  protected kind(): number {
    const c = this.c;
    const id = c.nodeTypeId;
    const kind = id < ERROR_ID_LIMIT ? kindOfId[id] : OTHER;
    if (kind !== undefined) return kind;
    return kindOfSymbol(
      id,
      () => c.nodeType,
      () => c.nodeIsNamed,
    );
  }

  /** The text of the node under the cursor. */
  protected text(): string {
    const c = this.c;
    return this.src.slice(c.startIndex, c.endIndex);
  }

  /** The text of the identifier under the cursor. */
  protected identifier(): string {
    const c = this.c;
    const start = c.startIndex;
    if (this.clean) {
      const end = identifierEnd(this.src, start);
      if (end > start) return this.src.slice(start, end);
    }
    return this.src.slice(start, c.endIndex);
  }

  /** The value of the string literal under the cursor. */
  protected stringValue(): string {
    const c = this.c;
    const start = c.startIndex;
    const end = this.clean ? stringLiteralEnd(this.src, start) : -1;
    return unquoteGoString(this.src.slice(start, end > start ? end : c.endIndex));
  }

  /** `a.b` written plainly (no space, comment or non-ASCII), read from the text; else undefined. */
  protected plainSelector(): { x: string; n: string } | undefined {
    if (!this.clean) return undefined;
    const c = this.c;
    const src = this.src;
    const start = c.startIndex;
    const dot = identifierEnd(src, start);
    if (dot <= start || src.charCodeAt(dot) !== 46) return undefined;
    const end = identifierEnd(src, dot + 1);
    if (end <= dot + 1 || end !== c.endIndex) return undefined;
    return { x: src.slice(start, dot), n: src.slice(dot + 1, end) };
  }
}
