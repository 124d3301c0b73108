/**
 * The address and wildcard readers behind `cidr`, IP-valued exact matches and `wildcard`
 * ("Content filtering in Amazon EventBridge event patterns": IP address matching, Wildcard
 * matching), which read as EventBridge's engine reads.
 */
import { ipInRange, parseCidr, parseIp } from '../../../../local/eventbridge/ip-address';
import { ignoreCaseTest } from '../../../../local/eventbridge/value-matcher';
import { matchesWildcard, parseWildcard } from '../../../../local/eventbridge/wildcard';

describe('parseIp', () => {
  it.each([
    ['10.0.0.1', [10, 0, 0, 1]],
    ['010.000.000.001', [10, 0, 0, 1]],
    ['::1', [...Array<number>(15).fill(0), 1]],
    ['::', Array<number>(16).fill(0)],
    ['1::', [0, 1, ...Array<number>(14).fill(0)]],
    [
      '2001:DB8::FF00:42:8329',
      [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0xff, 0x00, 0, 0x42, 0x83, 0x29],
    ],
    ['::ffff:0a00:0001', [10, 0, 0, 1]],
  ])('given %s, then it reads the address', (text, bytes) => {
    expect(parseIp(text)).toEqual(bytes);
  });

  it.each([
    '10.0.0',
    '10.0.0.256',
    '1.2.3.4.5',
    ':::',
    '1::2::3',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7::8',
    '12345::',
    'g::1',
    '::ffff:1.2.3.4',
    'localhost',
    '',
  ])('given %j, then it is not an address', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it('given a block written from a host address, then the range runs from its network address to its last address', () => {
    expect(parseCidr('10.1.2.3/23')).toEqual({ low: [10, 1, 2, 0], high: [10, 1, 3, 255] });
  });

  it('given a mask with a plus sign and a trailing slash, then it reads them as EventBridge does', () => {
    expect(parseCidr('192.168.0.0/+16/')).toEqual({
      low: [192, 168, 0, 0],
      high: [192, 168, 255, 255],
    });
  });

  it('given an IPv6 block, then an address of the other family is never in it', () => {
    const range = parseCidr('::/0');
    expect(ipInRange(parseIp('::1') ?? [], range)).toBe(true);
    expect(ipInRange([127, 0, 0, 1], range)).toBe(false);
  });
});

describe('parseWildcard and matchesWildcard', () => {
  it.each([
    ['a*b', ['a', 'b']],
    ['*', ['', '']],
    ['\\*', ['*']],
    ['\\\\*', ['\\', '']],
    ['x\\**y', ['x*', 'y']],
  ])('given %j, then its literal pieces are %j', (text, pieces) => {
    expect(parseWildcard(text).pieces).toEqual(pieces);
  });

  it.each([
    ['*.png', 'a.png', true],
    ['*.png', '.png', true],
    ['*a*a*a*a*b', 'a'.repeat(10_000), false],
    ['a*a', 'a', false],
    ['a*a', 'aa', true],
    ['é*ü', 'éxü', true],
  ])('given %j and %j, then the match is %s', (pattern, value, expected) => {
    expect(matchesWildcard(parseWildcard(pattern), value)).toBe(expected);
  });
});

describe('ignoreCaseTest', () => {
  it('given a character whose upper case is two letters, then either form matches, as the engine folds per character', () => {
    expect(ignoreCaseTest('straße', 'whole').test('STRASSE')).toBe(true);
    expect(ignoreCaseTest('straße', 'whole').test('strasse')).toBe(false);
  });

  it('given prefix and suffix anchoring, then only that end is pinned', () => {
    expect(ignoreCaseTest('ab', 'prefix').test('ABc')).toBe(true);
    expect(ignoreCaseTest('ab', 'prefix').test('cAB')).toBe(false);
    expect(ignoreCaseTest('ab', 'suffix').test('cAB')).toBe(true);
  });
});
