import { ENV_HELPER } from '../extract/call-filter';
import type { Value } from '../extract/facts';
import type { FileUnit, FuncUnit, PackageUnit } from './program';

/** A part of a string the analysis could not know, and why. */
export type Hole =
  | { readonly h: 'env'; readonly name: string }
  | { readonly h: 'param'; readonly i: number }
  | { readonly h: 'unknown'; readonly what: string };

/** A string as far as it is known: constant parts and holes, in order. */
export type Str = readonly (string | Hole)[];

/** Where a value is evaluated: a function (with its locals and parameters) or a package. */
export interface Scope {
  readonly file: FileUnit;
  readonly func?: FuncUnit;
  /** values bound to the parameters by a caller; holes when the function stands alone */
  readonly args?: readonly Str[];
}

const MAX_DEPTH = 12;
const unknown = (what: string): Str => [{ h: 'unknown', what }];

/** The string `value` evaluates to in `scope`, with holes for what cannot be known. */
export function evaluate(value: Value, scope: Scope, depth = 0): Str {
  if (depth > MAX_DEPTH) return unknown('a value defined too indirectly');
  switch (value.k) {
    case 's':
      return [value.v];
    case 'id':
      return evaluateIdentifier(value.n, scope, depth);
    case 'sel':
      return evaluateSelector(value.x, value.n, scope, depth);
    case 'cat':
      return value.p.flatMap((part) => evaluate(part, scope, depth + 1));
    case 'fmt':
      return evaluateSprintf(value.p, scope, depth);
    case 'env': {
      const name = evaluate(value.n, scope, depth + 1);
      const known = knownString(name);
      return known === undefined ? unknown('an environment variable') : [{ h: 'env', name: known }];
    }
    case 'addr':
      return evaluate(value.x, scope, depth + 1);
    case 'call':
      return evaluateCall(value.i, scope, depth);
    case 'lit':
    case 'u':
      return unknown('an expression');
  }
}

function evaluateIdentifier(name: string, scope: Scope, depth: number): Str {
  const func = scope.func;
  if (func !== undefined) {
    const local = func.locals.get(name);
    if (local !== undefined) return evaluate(local, scope, depth + 1);
    const param = func.params.get(name);
    if (param !== undefined) {
      return scope.args ? (scope.args[param] ?? unknown(name)) : [{ h: 'param', i: param }];
    }
  }
  return evaluatePackageName(scope.file.pkg, name, depth) ?? unknown(name);
}

function evaluatePackageName(pkg: PackageUnit, name: string, depth: number): Str | undefined {
  const decl = pkg.decls.get(name);
  return decl ? evaluate(decl.value, { file: decl.file }, depth + 1) : undefined;
}

function evaluateSelector(x: string, n: string, scope: Scope, depth: number): Str {
  const target = x === '' || scope.func?.locals.has(x) ? undefined : scope.file.imports.get(x);
  if (target !== undefined) {
    // A qualified constant: another package's declaration, when that package is scanned.
    const local = scope.file.pkg.program.imported(target);
    if (local === undefined) return unknown(`${x}.${n}`);
    return evaluatePackageName(local, n, depth) ?? unknown(`${x}.${n}`);
  }
  return evaluateField(scope.file.pkg, n, depth) ?? unknown(`${x === '' ? '' : `${x}.`}${n}`);
}

/** Fields are followed by name across the package: the first assignment that is known wins. */
function evaluateField(pkg: PackageUnit, field: string, depth: number): Str | undefined {
  let first: Str | undefined;
  for (const binding of pkg.fields.get(field) ?? []) {
    const value = evaluate(binding.value, { file: binding.file }, depth + 1);
    if (isKnownOrEnv(value)) return value;
    first ??= value;
  }
  // `mustMapEnv(&svc.addr, "ADDR")`: a helper writes the field through a pointer parameter.
  for (const out of pkg.outArgs.get(field) ?? []) {
    const site = out.caller.facts.c[out.site];
    const helper = site ? pkg.funcs.get(site.c.n) : undefined;
    const param = helper?.facts.p[out.arg];
    const written = param === undefined ? undefined : helper?.locals.get(`*${param}`);
    if (site === undefined || helper === undefined || written === undefined) continue;
    const callerScope: Scope = { file: out.caller.file, func: out.caller };
    const args = site.a.map((arg) => evaluate(arg, callerScope, depth + 1));
    const value = evaluate(written, { file: helper.file, func: helper, args }, depth + 1);
    if (isKnownOrEnv(value)) return value;
    first ??= value;
  }
  return first;
}

function evaluateSprintf(parts: readonly Value[], scope: Scope, depth: number): Str {
  const [format, ...args] = parts;
  if (format === undefined) return unknown('fmt.Sprintf');
  const pattern = knownString(evaluate(format, scope, depth + 1));
  if (pattern === undefined) return unknown('a computed format');
  const out: (string | Hole)[] = [];
  let next = 0;
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch !== '%') {
      literal += ch;
      continue;
    }
    let j = i + 1;
    while (j < pattern.length && '+-# 0123456789.'.includes(pattern[j] ?? '')) j++;
    const verb = pattern[j];
    if (verb === '%') {
      literal += '%';
    } else {
      if (literal) out.push(literal);
      literal = '';
      const arg = args[next++];
      out.push(...(arg ? evaluate(arg, scope, depth + 1) : unknown('a missing argument')));
    }
    i = j;
  }
  if (literal) out.push(literal);
  return out;
}

/**
 * A call's result is known in one case: a helper that reads an environment variable by a
 * name passed in (`getenv("LEDGER_ADDR")`, `config.MustEnv("LEDGER_ADDR", "")`).
 */
function evaluateCall(index: number, scope: Scope, depth: number): Str {
  const site = scope.func?.facts.c[index];
  if (site === undefined) return unknown('a call');
  const name = site.c.n;
  const first = site.a[0];
  if (ENV_HELPER.test(name) && first !== undefined) {
    const envName = knownString(evaluate(first, scope, depth + 1));
    if (envName !== undefined && /^[A-Z][A-Z0-9_]*$/.test(envName)) {
      return [{ h: 'env', name: envName }];
    }
  }
  return unknown(`the result of ${name}()`);
}

/** The whole string when it has no holes. */
export function knownString(str: Str): string | undefined {
  let out = '';
  for (const part of str) {
    if (typeof part !== 'string') return undefined;
    out += part;
  }
  return out;
}

/** The constant text before the first hole. */
export function knownPrefix(str: Str): string {
  let out = '';
  for (const part of str) {
    if (typeof part !== 'string') break;
    out += part;
  }
  return out;
}

export function hasParam(str: Str): boolean {
  return str.some((part) => typeof part !== 'string' && part.h === 'param');
}

function isKnownOrEnv(str: Str): boolean {
  return str.every((part) => typeof part === 'string' || part.h === 'env');
}

/** Replaces parameter holes with the caller's arguments. */
export function substitute(str: Str, args: readonly Str[]): Str {
  if (!hasParam(str)) return str;
  return str.flatMap((part) =>
    typeof part !== 'string' && part.h === 'param'
      ? (args[part.i] ?? unknown('a missing argument'))
      : [part],
  );
}

/** Words for the first hole, for an unresolved finding's reason. */
export function describeHole(str: Str): string | undefined {
  for (const part of str) {
    if (typeof part === 'string') continue;
    if (part.h === 'env') return `environment variable ${part.name}`;
    if (part.h === 'param') return `parameter ${part.i + 1}`;
    return part.what;
  }
  return undefined;
}
