import { CLIENT_CONSTRUCTOR, URL_METHODS } from '../extract/call-filter';
import type { CallSite, Value } from '../extract/facts';
import type { Pattern } from '../model';
import { evaluate, knownPrefix, knownString, type Scope, type Str } from './evaluate';
import type { FuncUnit, ImportTarget } from './program';
import { envNameStem } from './service-index';
import type { TargetSpec } from './targets';

/** What one call site is: a call to another service or host, a call into code we can follow, or
 * neither. */
export type CallKind =
  | {
      readonly kind: 'target';
      readonly pattern: Pattern;
      readonly target: TargetSpec;
      /** a dial whose connection a client constructor in the same function names better */
      readonly consumes?: number;
    }
  | { readonly kind: 'call'; readonly callee: FuncUnit }
  | undefined;

const GRPC = 'google.golang.org/grpc';
const HTTP_FUNCS = new Set(['Get', 'Head', 'Post', 'PostForm']);

/** Classifies call site `index` of `func`; the patterns are listed in docs/rpcmap.md. */
export function classifyCall(func: FuncUnit, index: number): CallKind {
  const site = func.facts.c[index];
  if (site === undefined) return undefined;
  const scope: Scope = { file: func.file, func };
  const callee = site.c;
  if (callee.k === 'f') {
    const target = func.file.pkg.funcs.get(callee.n);
    return target ? { kind: 'call', callee: target } : undefined;
  }
  if (callee.k === 'sel') {
    const isVariable = func.locals.has(callee.x) || func.params.has(callee.x);
    const imported = isVariable ? undefined : func.file.imports.get(callee.x);
    if (imported) return packageCall(imported, callee.n, site, scope);
    const receiver = func.locals.get(callee.x) ?? { k: 'id', n: callee.x };
    return methodCall(receiver, callee.n, site, scope);
  }
  return methodCall(callee.r, callee.n, site, scope);
}

function packageCall(imported: ImportTarget, name: string, site: CallSite, scope: Scope): CallKind {
  const path = imported.path;
  if (path === 'net/http') {
    if (HTTP_FUNCS.has(name)) return url('http-call', site, 0, scope);
    if (name === 'NewRequest') return url('http-request', site, 1, scope);
    if (name === 'NewRequestWithContext') return url('http-request', site, 2, scope);
    return undefined;
  }
  if ((path === 'github.com/monzo/typhon' || path.endsWith('/typhon')) && name === 'NewRequest') {
    return url('typhon-request', site, 2, scope);
  }
  if (path === GRPC) {
    if (name === 'Dial' || name === 'NewClient') return address(site, 0, scope);
    if (name === 'DialContext') return address(site, 1, scope);
    return undefined;
  }
  const caller = scope.file.pkg.service;
  const owner = imported.service;
  const otherService = owner !== undefined && owner !== caller ? owner : undefined;
  const constructor = CLIENT_CONSTRUCTOR.exec(name);
  if (constructor && otherService) {
    return {
      kind: 'target',
      pattern: 'grpc-client',
      target: { kind: 'service', service: owner ?? '' },
    };
  }
  if (constructor) {
    const client = clientConstructor(constructor[1] ?? '', site, scope);
    if (client) return client;
  }
  if (name === 'NewClient' && !otherService) {
    // RPC frameworks whose client takes the callee's registered name: x.NewClient("ledger").
    const first = site.a[0];
    const value = first ? evaluate(first, scope) : undefined;
    if (value && (knownString(value) !== undefined || isEnvOnly(value))) {
      return { kind: 'target', pattern: 'registered-name', target: { kind: 'name', value } };
    }
  }
  if (otherService) {
    return {
      kind: 'target',
      pattern: 'service-package',
      target: { kind: 'service', service: otherService },
    };
  }
  const target = scope.file.pkg.program.imported(imported)?.funcs.get(name);
  return target ? { kind: 'call', callee: target } : undefined;
}

function methodCall(receiver: Value, name: string, site: CallSite, scope: Scope): CallKind {
  const literal = receiver.k === 'addr' ? receiver.x : receiver;
  if (literal.k === 'lit') {
    // A request type from another service's generated package: `ledgerproto.X{...}.Send(ctx)`.
    const owner = scope.file.imports.get(literal.x)?.service;
    if (owner !== undefined && owner !== scope.file.pkg.service) {
      return {
        kind: 'target',
        pattern: 'service-package',
        target: { kind: 'service', service: owner },
      };
    }
  }
  if (name.startsWith('InvokeMethod')) {
    const appId = site.a[1];
    if (appId === undefined) return undefined;
    return {
      kind: 'target',
      pattern: 'dapr-invoke',
      target: { kind: 'name', value: evaluate(appId, scope) },
    };
  }
  const constructor = CLIENT_CONSTRUCTOR.exec(name);
  if (constructor) return clientConstructor(constructor[1] ?? '', site, scope);
  if (!URL_METHODS.has(name)) return undefined;
  // Any client's Get/Do/...: a call only when an argument is a URL (cache.Get("k") is not).
  for (const arg of site.a.slice(0, 3)) {
    const value = evaluate(arg, scope);
    if (/^https?:\/\//i.test(knownPrefix(value)) || isUrlEnv(value)) {
      return { kind: 'target', pattern: 'http-client', target: { kind: 'url', value } };
    }
  }
  return undefined;
}

/** `pb.NewCartServiceClient(conn)`: named by the constructor, else by the dial address. */
function clientConstructor(name: string, site: CallSite, scope: Scope): CallKind {
  const conn = site.a[0];
  if (site.a.length !== 1 || conn === undefined) return undefined;
  if (conn.k === 'id' && /^(ctx|context)$/i.test(conn.n)) return undefined;
  const dial = dialOf(conn, scope);
  return {
    kind: 'target',
    pattern: 'grpc-client',
    target: { kind: 'name', value: [name], ...(dial ? { fallback: dial.target } : {}) },
    ...(dial ? { consumes: dial.index } : {}),
  };
}

/** The `grpc.Dial` in the same function a connection value comes from, if any. */
function dialOf(conn: Value, scope: Scope): { index: number; target: TargetSpec } | undefined {
  const func = scope.func;
  if (func === undefined) return undefined;
  const value = conn.k === 'id' ? func.locals.get(conn.n) : conn;
  if (value?.k !== 'call') return undefined;
  const dial = classifyCall(func, value.i);
  if (dial?.kind !== 'target' || dial.pattern !== 'grpc-dial') return undefined;
  return { index: value.i, target: dial.target };
}

function url(pattern: Pattern, site: CallSite, argIndex: number, scope: Scope): CallKind {
  const arg = site.a[argIndex];
  if (arg === undefined) return undefined;
  return { kind: 'target', pattern, target: { kind: 'url', value: evaluate(arg, scope) } };
}

function address(site: CallSite, argIndex: number, scope: Scope): CallKind {
  const arg = site.a[argIndex];
  if (arg === undefined) return undefined;
  return {
    kind: 'target',
    pattern: 'grpc-dial',
    target: { kind: 'address', value: evaluate(arg, scope) },
  };
}

function isEnvOnly(value: Str): boolean {
  return value.length === 1 && typeof value[0] !== 'string' && value[0]?.h === 'env';
}

function isUrlEnv(value: Str): boolean {
  const first = value[0];
  return typeof first !== 'string' && first?.h === 'env' && envNameStem(first.name) !== undefined;
}
