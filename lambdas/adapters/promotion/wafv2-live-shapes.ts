import { canonicalJson } from '../../core/canonical-json';
import { compareCidrs, isCidr, parseCidr } from '../../core/edge/cidr';

/** How live WAF resources are read back into the form the compiled bundle has, to compare. */

export type Scope = 'REGIONAL' | 'CLOUDFRONT';

/** The fields of a live web ACL that the bundle's request sets; ids, ARNs and WAF's own capacity aside. */
export function projectWebAcl(
  acl: Record<string, unknown> | undefined,
  scope: Scope,
): Record<string, unknown> {
  if (acl === undefined) return {};
  const rules = Array.isArray(acl.Rules) ? [...(acl.Rules as { Priority?: number }[])] : [];
  rules.sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0));
  return {
    Name: acl.Name,
    Scope: scope,
    DefaultAction: acl.DefaultAction,
    Description: acl.Description,
    Rules: blobsAsText(rules),
    VisibilityConfig: acl.VisibilityConfig,
  };
}

/**
 * `SearchString` is a blob in the WAFv2 model: the SDK sends the bundle's text base64-encoded
 * and hands it back as bytes. As text again, it compares with the bundle.
 */
function blobsAsText(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(blobsAsText);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, blobsAsText(v)]));
  return value;
}

/** Addresses in the order and form the compiler writes them, whatever order WAF returns. */
export function canonicalAddresses(addresses: readonly string[]): string[] {
  const parsed = addresses.map(parseCidr);
  if (!parsed.every(isCidr)) return [...addresses];
  return [...new Set(parsed.sort(compareCidrs).map((c) => c.text))];
}

export function sameAddresses(
  live: readonly string[] | undefined,
  wanted: readonly string[],
): boolean {
  return (
    canonicalJson(canonicalAddresses(live ?? [])) === canonicalJson(canonicalAddresses(wanted))
  );
}
