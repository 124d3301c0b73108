/**
 * IPv4 and IPv6 CIDR blocks as WAF IP sets take them: parsed strictly, written canonically
 * (RFC 5952 for IPv6), so equal lists compile to equal bytes and overlaps can be found.
 */

export type IpVersion = 'IPV4' | 'IPV6';

export interface Cidr {
  readonly version: IpVersion;
  /** The network address as an unsigned integer (32 or 128 bits). */
  readonly network: bigint;
  readonly prefix: number;
  /** Canonical text, e.g. `10.0.0.0/8` or `2001:db8::/32`. */
  readonly text: string;
}

const BITS: Record<IpVersion, number> = { IPV4: 32, IPV6: 128 };

/** A parsed CIDR, or the reason the text is not one. A bare address means a single host. */
export function parseCidr(input: string): Cidr | { readonly problem: string } {
  const bad = (why: string) => ({ problem: `"${input}" is not a valid CIDR block: ${why}` });
  const [address = '', prefixText, ...rest] = input.trim().split('/');
  if (rest.length > 0) return bad('it has more than one "/"');
  const version: IpVersion = address.includes(':') ? 'IPV6' : 'IPV4';
  const value = version === 'IPV4' ? parseIpv4(address) : parseIpv6(address);
  if (typeof value === 'string') return bad(value);
  const bits = BITS[version];
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^[0-9]{1,3}$/.test(prefixText)) return bad('the prefix length must be a number');
    prefix = Number(prefixText);
  }
  // WAF refuses /0; a rule that matches every address should be the web ACL's default action.
  if (prefix < 1 || prefix > bits) return bad(`the prefix length must be 1 to ${bits}`);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((value & hostMask) !== 0n) {
    const network = value & ~hostMask;
    return bad(`host bits are set; did you mean ${formatAddress(version, network)}/${prefix}?`);
  }
  return { version, network: value, prefix, text: `${formatAddress(version, value)}/${prefix}` };
}

export function isCidr(value: Cidr | { readonly problem: string }): value is Cidr {
  return 'network' in value;
}

/** Two blocks of one family overlap when the shorter prefix's network contains the other. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  if (a.version !== b.version) return false;
  const prefix = Math.min(a.prefix, b.prefix);
  const shift = BigInt(BITS[a.version] - prefix);
  return a.network >> shift === b.network >> shift;
}

/** Numeric order within a family, IPv4 first: the order WAF IP sets are written in. */
export function compareCidrs(a: Cidr, b: Cidr): number {
  if (a.version !== b.version) return a.version === 'IPV4' ? -1 : 1;
  if (a.network !== b.network) return a.network < b.network ? -1 : 1;
  return a.prefix - b.prefix;
}

function parseIpv4(text: string): bigint | string {
  const parts = text.split('.');
  if (parts.length !== 4) return 'an IPv4 address has four dot-separated numbers';
  let value = 0n;
  for (const part of parts) {
    // Leading zeros are refused: some parsers read them as octal, so their meaning is unclear.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part) || Number(part) > 255) {
      return `"${part}" is not a number from 0 to 255`;
    }
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | string {
  if (text.includes('.')) return 'write IPv6 addresses in hexadecimal only';
  const halves = text.split('::');
  if (halves.length > 2) return '"::" may appear only once';
  const groups = (half: string) => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] ?? '');
  const tail = halves.length === 2 ? groups(halves[1] ?? '') : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) {
    return 'an IPv6 address has eight groups, or fewer with one "::"';
  }
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const group of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return `"${group}" is not a group of 1-4 hex digits`;
    value = (value << 16n) | BigInt(`0x${group}`);
  }
  return value;
}

function formatAddress(version: IpVersion, value: bigint): string {
  if (version === 'IPV4') {
    return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 255n)).join('.');
  }
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number((value >> BigInt(112 - 16 * i)) & 0xffffn),
  );
  // RFC 5952: compress the longest run of two or more zero groups, the first if tied.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let end = i;
    while (end < 8 && groups[end] === 0) end += 1;
    if (end - i > bestLength) {
      bestStart = i;
      bestLength = end - i;
    }
    i = end;
  }
  const hex = (list: number[]) => list.map((g) => g.toString(16)).join(':');
  if (bestStart < 0) return hex(groups);
  return `${hex(groups.slice(0, bestStart))}::${hex(groups.slice(bestStart + bestLength))}`;
}
