import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FileFacts } from '../extract/facts';
import { extractFacts, type ExtractOptions } from '../extract/go-extractor';
import type { GoParser } from '../extract/go-parser';
import { errorCode } from './walk';

/** A file to read, hash and (unless its content is the one known) parse. */
export interface FileJob {
  readonly absolute: string;
  readonly path: string;
  /** the content hash the cache has for this path: the same content needs no parsing */
  readonly known?: string;
}

/** Facts as they cross from a worker and go into the cache: JSON text, not an object graph. */
export interface EncodedFacts {
  readonly text: string;
  /** the text's length in UTF-8 */
  readonly bytes: number;
  /** hash of the facts without line and column numbers: what other packages can observe */
  readonly fingerprint: string;
}

/** One file's outcome. */
export type FileOutcome =
  | { readonly path: string; readonly hash: string; readonly facts: EncodedFacts }
  | { readonly path: string; readonly hash: string; readonly unchanged: true }
  | { readonly path: string; readonly skipped: string };

/** Bytes looked at for a NUL, the sign of a binary file. */
const BINARY_PROBE = 8000;

/** Reads, hashes, parses and extracts one file; never throws for a bad file. */
export function analyseFile(parser: GoParser, job: FileJob, options: ExtractOptions): FileOutcome {
  const { path } = job;
  let bytes: Buffer;
  try {
    bytes = readFileSync(job.absolute);
  } catch (error) {
    return { path, skipped: `cannot read this file (${errorCode(error)}); skipped` };
  }
  const probe = bytes.subarray(0, BINARY_PROBE);
  if (probe.includes(0)) return { path, skipped: 'a binary file, not Go source; skipped' };
  const hash = contentHash(bytes);
  if (hash === job.known) return { path, hash, unchanged: true };
  const text = bytes.toString('utf8');
  return { path, hash, facts: encodeFacts(factsOfText(parser, text, options)) };
}

/** Reads and parses a file and keeps nothing but its line count: the bare parser's cost. */
export function parseOnly(parser: GoParser, job: FileJob): number {
  const text = readFileSync(job.absolute, 'utf8');
  return parser.parse(text).rootNode.endPosition.row + 1;
}

export function factsOfText(parser: GoParser, text: string, options: ExtractOptions): FileFacts {
  return extractFacts(parser.parse(text), text, options);
}

// Positions in the facts' JSON: `"line":1,"col":2` of call sites, the syntax error's, the
// line count. JSON escapes every quote inside a string, so these patterns match keys only.
const POSITIONS = /,"line":\d+,"col":\d+|"syntaxError":\{"line":\d+,"col":\d+\},|,"lines":\d+/g;

export function encodeFacts(facts: FileFacts): EncodedFacts {
  const text = JSON.stringify(facts);
  return {
    text,
    bytes: Buffer.byteLength(text),
    fingerprint: contentHash(text.replace(POSITIONS, '')),
  };
}

/** The cache key of a file's content. */
export function contentHash(bytes: Buffer | string): string {
  return createHash('sha1').update(bytes).digest('base64url');
}
