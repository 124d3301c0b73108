/**
 * Compiled WAF and DNS Firewall requests refer to IP sets, regex pattern sets and domain
 * lists that exist only once a target has created them, by ARN or id. The bundle cannot know
 * those, so it names them with a placeholder (`ward-ref:ipset/ward-public-api-allow-v4`) in the
 * exact field the API takes; the target adapter swaps each one for the real value.
 */
export const REFERENCE_PREFIX = 'ward-ref:';

export type ReferenceKind = 'ipset' | 'regexset' | 'domainlist' | 'rulegroup';

export function reference(kind: ReferenceKind, name: string): string {
  return `${REFERENCE_PREFIX}${kind}/${name}`;
}

/** The kind and name a placeholder stands for, or undefined for any other string. */
export function parseReference(
  value: string,
): { readonly kind: ReferenceKind; readonly name: string } | undefined {
  const match = /^ward-ref:(ipset|regexset|domainlist|rulegroup)\/(.+)$/.exec(value);
  if (match === null) return undefined;
  return { kind: match[1] as ReferenceKind, name: match[2] ?? '' };
}

/** A placeholder the resolver does not know: pushing a request with it would fail anyway. */
export class UnresolvedReferenceError extends Error {
  override readonly name = 'UnresolvedReferenceError';
  constructor(readonly reference: string) {
    super(`nothing is known for ${reference}; create it before the request that uses it`);
  }
}

/**
 * A deep copy of `value` with every placeholder replaced by what `resolve` returns for it.
 * Throws `UnresolvedReferenceError` rather than send a placeholder to AWS.
 */
export function resolveReferences<T>(
  value: T,
  resolve: (kind: ReferenceKind, name: string) => string | undefined,
): T {
  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') {
      const ref = parseReference(node);
      if (ref === undefined) return node;
      const resolved = resolve(ref.kind, ref.name);
      if (resolved === undefined) throw new UnresolvedReferenceError(node);
      return resolved;
    }
    if (Array.isArray(node)) return node.map(visit);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, child]) => [key, visit(child)]));
    }
    return node;
  };
  return visit(value) as T;
}
