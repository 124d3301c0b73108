import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FACTS_VERSION, type FileFacts } from '../extract/facts';
import { extractFacts } from '../extract/go-extractor';
import type { GoParser } from '../extract/go-parser';
import { errorCode } from './walk';

/** One file's outcome: its facts, or why it was skipped. */
export type FileOutcome =
  | { readonly path: string; readonly hash: string; readonly facts: FileFacts }
  | { readonly path: string; readonly skipped: string };

/** Bytes looked at for a NUL, the sign of a binary file. */
const BINARY_PROBE = 8000;

/** Reads, hashes, parses and extracts one file; never throws for a bad file. */
export function analyseFile(parser: GoParser, absolute: string, path: string): FileOutcome {
  let bytes: Buffer;
  try {
    bytes = readFileSync(absolute);
  } catch (error) {
    return { path, skipped: `cannot read this file (${errorCode(error)}); skipped` };
  }
  const probe = bytes.subarray(0, BINARY_PROBE);
  if (probe.includes(0)) return { path, skipped: 'a binary file, not Go source; skipped' };
  const hash = contentHash(bytes);
  const text = bytes.toString('utf8');
  return { path, hash, facts: factsOfText(parser, text) };
}

/** Reads and parses a file and keeps nothing but its line count: the bare parser's cost. */
export function parseOnly(parser: GoParser, absolute: string, path: string): FileOutcome {
  const text = readFileSync(absolute, 'utf8');
  const lines = parser.parse(text).rootNode.endPosition.row + 1;
  return { path, hash: '', facts: { ...EMPTY_FACTS, lines } };
}

const EMPTY_FACTS: FileFacts = {
  v: FACTS_VERSION,
  pkg: '',
  generated: false,
  mock: false,
  imports: [],
  decls: [],
  fields: [],
  funcs: [],
  lines: 0,
};

export function factsOfText(parser: GoParser, text: string): FileFacts {
  return extractFacts(parser.parse(text), text);
}

/** The cache key of a file's content. */
export function contentHash(bytes: Buffer | string): string {
  return createHash('sha1').update(bytes).digest('base64url');
}
