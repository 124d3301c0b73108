/**
 * Which calls the extractor keeps. A call is kept when the resolver (`rpcmap/resolve/calls.ts`
 * and `evaluate.ts`) could make something of it; everything else is only searched for calls of
 * its own. The two sides share these lists, so a pattern the resolver learns is kept here too.
 */

/** Calls to these never reach another service, whatever their arguments. */
export const BUILTINS: ReadonlySet<string> = new Set([
  'append', 'cap', 'clear', 'close', 'complex', 'copy', 'delete', 'imag', 'len', 'make', 'max',
  'min', 'new', 'panic', 'print', 'println', 'real', 'recover', 'string', 'int', 'int8', 'int16',
  'int32', 'int64', 'uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr', 'float32',
  'float64', 'byte', 'rune', 'bool', 'error', 'any',
]); // prettier-ignore

/** Standard-library packages whose calls matter; the others are skipped at once. */
export const KEPT_STDLIB: ReadonlySet<string> = new Set(['net/http', 'net', 'os']);

/** Methods of any client that send a request to a URL (`client.Do(req)`, `c.Get(url)`). */
export const URL_METHODS: ReadonlySet<string> = new Set([
  'Do', 'Get', 'Post', 'PostForm', 'Head', 'Put', 'Patch', 'Delete', 'NewRequest',
  'NewRequestWithContext', 'Call', 'Send', 'SendVia',
]); // prettier-ignore

/** Method names a call on an arbitrary receiver (a field, a call's result) is kept for. */
const KEPT_METHODS: ReadonlySet<string> = new Set([
  ...URL_METHODS,
  'Dial',
  'DialContext',
  'NewClient',
  'InvokeMethod',
  'InvokeMethodWithContent',
  'InvokeMethodWithCustomContent',
]);

/** `pb.NewCartServiceClient(conn)`: a generated gRPC client's constructor. */
export const CLIENT_CONSTRUCTOR = /^New([A-Za-z0-9_]+)Client$/;

/** A helper whose result is an environment variable's value (`config.MustEnv("X_ADDR")`). */
export const ENV_HELPER = /env/i;

/** Whether a method call on a receiver that is not a plain package or variable is kept. */
export function keptMethodName(name: string): boolean {
  return KEPT_METHODS.has(name) || (name.startsWith('New') && name.endsWith('Client'));
}

/**
 * Whether a call into a package from outside the scanned tree (a third-party module, when the
 * tree's go.mod files say which import paths are its own) can matter: an RPC framework's
 * request or client constructor, a dial, or an environment helper. `slog.Error(...)` cannot.
 */
export function externalCallMatters(name: string): boolean {
  return (
    name === 'NewRequest' ||
    name === 'NewRequestWithContext' ||
    name === 'Dial' ||
    name === 'DialContext' ||
    name === 'NewClient' ||
    CLIENT_CONSTRUCTOR.test(name) ||
    ENV_HELPER.test(name)
  );
}

/** How calls qualified by an import are treated. */
export const ImportUse = {
  /** a package of the tree (or possibly one): every call is kept */
  all: 0,
  /** a third-party package: only calls `externalCallMatters` names */
  external: 1,
  /** a standard-library package whose calls never matter */
  none: 2,
} as const;
export type ImportUse = (typeof ImportUse)[keyof typeof ImportUse];

/**
 * How calls into the package at `path` are kept. `modulePaths` are the module paths of the
 * tree's go.mod files: with none, any import with a domain may be a package of the tree (the
 * resolver then matches import paths by suffix), so its calls are all kept.
 */
export function importUse(path: string, modulePaths: readonly string[]): ImportUse {
  for (const module of modulePaths) {
    if (path === module || path.startsWith(`${module}/`)) return ImportUse.all;
  }
  const slash = path.indexOf('/');
  const first = slash < 0 ? path : path.slice(0, slash);
  if (!first.includes('.')) return KEPT_STDLIB.has(path) ? ImportUse.all : ImportUse.none;
  return modulePaths.length > 0 ? ImportUse.external : ImportUse.all;
}
