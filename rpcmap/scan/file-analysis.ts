import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import type { FileFacts } from '../extract/facts';
import type { FileMeta } from '../resolve/program';
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

/**
 * Facts as they cross from a worker and go into the cache: JSON text, not an object graph (a
 * message of text is cheaper to copy between threads than one of many small objects), with the
 * little the scan needs of them at once.
 */
export interface EncodedFacts {
  readonly text: string;
  readonly meta: Omit<FileMeta, 'path'>;
  readonly lines: number;
  readonly syntaxError?: { readonly line: number; readonly col: number };
  /** the text's length in UTF-8 (0 when there is no cache to write to) */
  readonly bytes: number;
  /** hash of the facts without line and column numbers: what other packages can observe
   * (empty when there is no cache to compare with) */
  readonly fingerprint: string;
}

export interface AnalyseOptions extends ExtractOptions {
  /** facts go into a cache: measure them and fingerprint them */
  readonly forCache: boolean;
}

/** One file's outcome. */
export type FileOutcome =
  | { readonly path: string; readonly hash: string; readonly facts: EncodedFacts }
  | { readonly path: string; readonly hash: string; readonly unchanged: true }
  | { readonly path: string; readonly skipped: string };

/** Bytes looked at for a NUL, the sign of a binary file. */
const BINARY_PROBE = 8000;

/** A buffer files are read into, reused from file to file (and grown when one is larger). */
let readBuffer = Buffer.allocUnsafe(256 * 1024);

function readWhole(absolute: string): Buffer {
  const fd = openSync(absolute, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size + 1 > readBuffer.length) readBuffer = Buffer.allocUnsafe(2 * size + 1);
    let length = 0;
    // Read to the end, not to the size stat-ed: the file may be growing.
    for (let n = 1; n > 0 && length < readBuffer.length; length += n) {
      n = readSync(fd, readBuffer, length, readBuffer.length - length, null);
    }
    if (length === readBuffer.length) return readFileSync(absolute);
    return readBuffer.subarray(0, length);
  } finally {
    closeSync(fd);
  }
}

/** Reads, hashes, parses and extracts one file; never throws for a bad file. */
export function analyseFile(parser: GoParser, job: FileJob, options: AnalyseOptions): FileOutcome {
  const { path } = job;
  let bytes: Buffer;
  try {
    bytes = readWhole(job.absolute);
  } catch (error) {
    return { path, skipped: `cannot read this file (${errorCode(error)}); skipped` };
  }
  const probe = bytes.subarray(0, BINARY_PROBE);
  if (probe.includes(0)) return { path, skipped: 'a binary file, not Go source; skipped' };
  // The content hash is the cache's key; without a cache nothing asks for it.
  const hash = options.forCache || job.known !== undefined ? contentHash(bytes) : '';
  if (hash === job.known) return { path, hash, unchanged: true };
  const text = bytes.toString('utf8');
  return { path, hash, facts: encodeFacts(factsOfText(parser, text, options), options.forCache) };
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

export function encodeFacts(facts: FileFacts, forCache = true): EncodedFacts {
  const text = JSON.stringify(facts);
  const known = {
    text,
    meta: { pkg: facts.pkg, imports: facts.imports.map((fact) => fact.path), mock: facts.mock },
    lines: facts.lines,
    ...(facts.syntaxError ? { syntaxError: facts.syntaxError } : {}),
  };
  if (!forCache) return { ...known, bytes: 0, fingerprint: '' };
  return {
    ...known,
    bytes: Buffer.byteLength(text),
    fingerprint: contentHash(text.replace(POSITIONS, '')),
  };
}

/** The cache key of a file's content. */
export function contentHash(bytes: Buffer | string): string {
  return createHash('sha1').update(bytes).digest('base64url');
}
