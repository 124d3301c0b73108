/**
 * IP addresses and CIDR blocks as EventBridge reads them. EventBridge (its open-source engine,
 * aws/event-ruler) only treats a string as an address when it looks like one, then parses it
 * the way Java's InetAddress does: dotted quads with decimal octets, IPv6 with `::`, and an
 * IPv4-mapped IPv6 address read as the IPv4 address it maps.
 */

/** An address as bytes: 4 for IPv4, 16 for IPv6. */
export type IpBytes = readonly number[];

/** An inclusive range of addresses of one family. */
export interface IpRange {
  readonly low: IpBytes;
  readonly high: IpBytes;
}

/** Raised while reading a CIDR block; the message is EventBridge's own. */
export class InvalidCidrError extends Error {
  override readonly name = 'InvalidCidrError';
}

// The engine's own shape checks: anything else is not even tried as an address.
const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** True when the string has the shape of an IPv4 or IPv6 literal, whether or not it parses. */
export function looksLikeIp(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/** The address a string spells, or undefined when it is not an IP address literal. */
export function parseIp(text: string): IpBytes | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return undefined;
}

function parseIpv4(text: string): IpBytes | undefined {
  // Octets are decimal even with leading zeros ("010" is 10, never octal).
  const octets = text.split('.').map((part) => Number.parseInt(part, 10));
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

function parseIpv6(text: string): IpBytes | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string | undefined): string[] | undefined =>
    half === undefined || half === '' ? [] : half.split(':');
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  if (head === undefined || tail === undefined) return undefined;
  const compressed = halves.length === 2;
  const missing = 8 - head.length - tail.length;
  if (compressed ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(compressed ? missing : 0).fill('0'), ...tail];
  if (!groups.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  const bytes = groups.flatMap((group) => {
    const value = Number.parseInt(group, 16);
    return [value >> 8, value & 0xff];
  });
  // Java hands back an IPv4 address for ::ffff:a.b.c.d, and so does EventBridge.
  const mapped =
    bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/**
 * Reads a `cidr` operand, refusing it with EventBridge's messages. A full-length mask (/32, /128)
 * is refused as EventBridge refuses it; the range runs from the network address to the last
 * address of the block.
 */
export function parseCidr(text: string): IpRange {
  const parts = text.split('/');
  // Java's String.split drops trailing empty strings; the engine relies on it.
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  const [address, maskText] = parts;
  if (parts.length !== 2 || address === undefined || maskText === undefined) {
    throw new InvalidCidrError("Malformed CIDR, one '/' required");
  }
  const mask = Number(maskText);
  if (!/^[+-]?[0-9]+$/.test(maskText) || mask > 2 ** 31 - 1 || mask < -(2 ** 31)) {
    throw new InvalidCidrError('Malformed CIDR, mask bits must be an integer');
  }
  if (mask < 0) throw new InvalidCidrError('Malformed CIDR, mask bits must not be negative');
  if (!looksLikeIp(address)) throw new InvalidCidrError(`Nonstandard IP address: ${address}`);
  const bytes = parseIp(address);
  if (bytes === undefined) throw new InvalidCidrError(`Invalid IP address: ${address}`);
  if (bytes.length === 4 && mask > 31) throw new InvalidCidrError('IPv4 mask bits must be < 32');
  if (bytes.length === 16 && mask > 127) throw new InvalidCidrError('IPv6 mask bits must be < 128');
  const bitsOf = (index: number) => Math.min(8, Math.max(0, mask - index * 8));
  return {
    low: bytes.map((byte, index) => byte & (0xff << (8 - bitsOf(index))) & 0xff),
    high: bytes.map((byte, index) => byte | (0xff >> bitsOf(index))),
  };
}

/** Compares two addresses of the same family byte by byte. */
function compareIp(a: IpBytes, b: IpBytes): number {
  for (let i = 0; i < a.length; i += 1) {
    const difference = (a[i] ?? 0) - (b[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** True when both are the same address (an IPv4 address never equals an IPv6 one). */
export function sameIp(a: IpBytes, b: IpBytes): boolean {
  return a.length === b.length && compareIp(a, b) === 0;
}

/** True when the address lies in the range and is of the same family. */
export function ipInRange(address: IpBytes, range: IpRange): boolean {
  return (
    address.length === range.low.length &&
    compareIp(address, range.low) >= 0 &&
    compareIp(address, range.high) <= 0
  );
}
