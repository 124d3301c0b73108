import Module from 'node:module';
import type TreeSitter from 'tree-sitter';

/**
 * tree-sitter's JavaScript wrapper patches its native addon's classes when it is first
 * evaluated, and breaks if evaluated again in the same process, which jest does (every test
 * file has a module registry of its own). Node's own loader, and its cache, evaluate it once per
 * process, under jest as under tsx.
 */
const load = (
  Module as unknown as { _load: (path: string, parent: null, main: boolean) => unknown }
)._load;
const Parser = load(require.resolve('tree-sitter'), null, false) as typeof TreeSitter;
const Go = load(require.resolve('tree-sitter-go'), null, false) as TreeSitter.Language;

/**
 * The Go parser: native tree-sitter with its Go grammar. It parses about as fast as the wasm
 * build (web-tree-sitter), but walking a tree with a cursor costs half as much natively, and
 * the walk is most of the analysis (docs/rpcmap.md has the measurements).
 */
export function createGoParser(): TreeSitter {
  const parser = new Parser();
  parser.setLanguage(Go);
  return parser;
}

export type GoTree = TreeSitter.Tree;
export type GoCursor = TreeSitter.TreeCursor;
export type GoParser = TreeSitter;
