/**
 * What the extractor keeps of one Go file: plain, JSON-safe data, small enough to cache by
 * content hash and to send from a worker thread. Nothing here is resolved yet: names are as
 * written, so that a file's facts depend on its own bytes only.
 */

/** Bump when the shape or meaning of facts changes: cached facts of another version are ignored. */
export const FACTS_VERSION = 3;

/** A value as written, for the few expressions a target can be built from. */
export type Value =
  /** a string constant (already unquoted) */
  | { readonly k: 's'; readonly v: string }
  /** an identifier: a local, a parameter, a package constant or variable */
  | { readonly k: 'id'; readonly n: string }
  /** `x.n`, where `x` is an import (a qualified constant) or a variable (a field `n`) */
  | { readonly k: 'sel'; readonly x: string; readonly n: string }
  /** `a + b + ...` */
  | { readonly k: 'cat'; readonly p: readonly Value[] }
  /** `fmt.Sprintf(format, args...)`: the format is `p[0]` */
  | { readonly k: 'fmt'; readonly p: readonly Value[] }
  /** an environment variable read: `os.Getenv(n)`, `os.LookupEnv(n)` */
  | { readonly k: 'env'; readonly n: Value }
  /** the result of call site `i` of the same function */
  | { readonly k: 'call'; readonly i: number }
  /** `&x` */
  | { readonly k: 'addr'; readonly x: Value }
  /** a composite literal of a type from another package: `x.T{...}` */
  | { readonly k: 'lit'; readonly x: string; readonly t: string }
  /** anything else */
  | { readonly k: 'u' };

export type Callee =
  /** `x.n(...)` where `x` is a plain identifier: an import or a variable */
  | { readonly k: 'sel'; readonly x: string; readonly n: string }
  /** `n(...)`: a function of the same package */
  | { readonly k: 'f'; readonly n: string }
  /** `<expr>.n(...)` on any other receiver (a literal, a field, a call's result) */
  | { readonly k: 'm'; readonly r: Value; readonly n: string };

/** One call kept for analysis, at a 1-based line and column. */
export interface CallSite {
  readonly c: Callee;
  readonly a: readonly Value[];
  readonly line: number;
  readonly col: number;
}

export interface FuncFacts {
  /** `F`, or `T.M` for a method */
  readonly n: string;
  /** parameter names in order (`_` for unnamed) */
  readonly p: readonly string[];
  /** local bindings, flow-insensitive: `[name, value]` for values worth following */
  readonly l: readonly (readonly [string, Value])[];
  readonly c: readonly CallSite[];
}

export interface ImportFact {
  readonly path: string;
  /** the alias as written (`_` and `.` included), or undefined for the package's own name */
  readonly alias?: string;
}

export interface FileFacts {
  readonly v: number;
  /** the package clause's name (`main`, `handler`, ...) */
  readonly pkg: string;
  /** marked `Code generated ... DO NOT EDIT.` */
  readonly generated: boolean;
  /** a generated mock (MockGen, mockery): excluded by default */
  readonly mock: boolean;
  /** where the first syntax error is, when the parser had to recover */
  readonly syntaxError?: { readonly line: number; readonly col: number };
  readonly imports: readonly ImportFact[];
  /** package-level constants and variables */
  readonly decls: readonly (readonly [string, Value])[];
  /** `x.f = v`, `&T{f: v}`, helper out-parameters: field `f` holds `v`, package-wide */
  readonly fields: readonly (readonly [string, Value])[];
  /** functions and methods; package-level initialisers are the function `<init>` */
  readonly funcs: readonly FuncFacts[];
  /** lines in the file, for the lines/s figures */
  readonly lines: number;
}

export const PACKAGE_INIT = '<init>';
