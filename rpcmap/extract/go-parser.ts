import Parser from 'tree-sitter';
import Go from 'tree-sitter-go';

/**
 * The Go parser: native tree-sitter with its Go grammar. It parses about as fast as the wasm
 * build (web-tree-sitter), but walking a tree with a cursor costs half as much natively, and
 * the walk is most of the analysis (docs/rpcmap.md has the measurements).
 */
export function createGoParser(): Parser {
  const parser = new Parser();
  parser.setLanguage(Go);
  return parser;
}

export type GoTree = Parser.Tree;
export type GoCursor = Parser.TreeCursor;
export type GoParser = Parser;
