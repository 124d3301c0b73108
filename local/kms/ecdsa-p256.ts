import { randomBytes } from 'node:crypto';

/**
 * ECDSA on NIST P-256 over a hash given by the caller, which Node's crypto cannot do (it
 * always hashes the message itself) and KMS does for `MessageType: DIGEST`. Signatures are
 * DER-encoded as KMS returns them, so Node's `crypto.verify('sha256', message, ...)` accepts
 * a signature made here over that message's SHA-256, and the other way round.
 */
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const A = P - 3n;
const G: Point = {
  x: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  y: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
};

interface Point {
  readonly x: bigint;
  readonly y: bigint;
}

const mod = (a: bigint, m: bigint) => ((a % m) + m) % m;

function inverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return mod(oldS, m);
}

function add(p: Point | undefined, q: Point | undefined): Point | undefined {
  if (p === undefined) return q;
  if (q === undefined) return p;
  if (p.x === q.x && mod(p.y + q.y, P) === 0n) return undefined;
  const lambda =
    p.x === q.x && p.y === q.y
      ? mod((3n * p.x * p.x + A) * inverse(2n * p.y, P), P)
      : mod((q.y - p.y) * inverse(q.x - p.x, P), P);
  const x = mod(lambda * lambda - p.x - q.x, P);
  return { x, y: mod(lambda * (p.x - x) - p.y, P) };
}

function multiply(k: bigint, point: Point): Point | undefined {
  let result: Point | undefined;
  let addend: Point | undefined = point;
  for (let n = k; n > 0n; n >>= 1n) {
    if (n & 1n) result = add(result, addend);
    addend = add(addend, addend);
  }
  return result;
}

const toBigInt = (bytes: Uint8Array) =>
  bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);

function derInteger(value: bigint): Buffer {
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0]! & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

/** Signs a 32-byte hash with the private scalar `d`; returns a DER ECDSA-Sig-Value. */
export function signDigest(hash: Uint8Array, d: bigint): Buffer {
  const z = toBigInt(hash.subarray(0, 32));
  for (;;) {
    const k = mod(toBigInt(randomBytes(40)), N - 1n) + 1n;
    const r = mod(multiply(k, G)!.x, N);
    if (r === 0n) continue;
    const s = mod(inverse(k, N) * (z + r * d), N);
    if (s === 0n) continue;
    const body = Buffer.concat([derInteger(r), derInteger(s)]);
    return Buffer.concat([Buffer.from([0x30, body.length]), body]);
  }
}

/** Checks a DER ECDSA signature over a 32-byte hash against the public point. */
export function verifyDigest(hash: Uint8Array, signature: Uint8Array, q: Point): boolean {
  const parsed = parseDer(Buffer.from(signature));
  if (parsed === undefined) return false;
  const { r, s } = parsed;
  if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
  const z = toBigInt(hash.subarray(0, 32));
  const w = inverse(s, N);
  const point = add(multiply(mod(z * w, N), G), multiply(mod(r * w, N), q));
  return point !== undefined && mod(point.x, N) === r;
}

function parseDer(der: Buffer): { r: bigint; s: bigint } | undefined {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return undefined;
  let offset = 2;
  const integer = (): bigint | undefined => {
    if (der[offset] !== 0x02) return undefined;
    const length = der[offset + 1]!;
    const value = der.subarray(offset + 2, offset + 2 + length);
    offset += 2 + length;
    return value.length === length ? toBigInt(value) : undefined;
  };
  const r = integer();
  const s = integer();
  return r === undefined || s === undefined || offset !== der.length ? undefined : { r, s };
}

/** A point from a JWK's base64url coordinates. */
export const pointOf = (jwk: { x?: string; y?: string }): Point => ({
  x: toBigInt(Buffer.from(jwk.x ?? '', 'base64url')),
  y: toBigInt(Buffer.from(jwk.y ?? '', 'base64url')),
});

/** The private scalar from a JWK's base64url `d`. */
export const scalarOf = (jwk: { d?: string }): bigint =>
  toBigInt(Buffer.from(jwk.d ?? '', 'base64url'));
