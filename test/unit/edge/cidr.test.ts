import {
  cidrsOverlap,
  compareCidrs,
  isCidr,
  parseCidr,
  type Cidr,
} from '../../../lambdas/core/edge/cidr';

const cidr = (text: string): Cidr => {
  const parsed = parseCidr(text);
  if (!isCidr(parsed)) throw new Error(parsed.problem);
  return parsed;
};
const problem = (text: string): string => {
  const parsed = parseCidr(text);
  if (isCidr(parsed)) throw new Error(`${text} parsed`);
  return parsed.problem;
};

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['192.0.2.66', '192.0.2.66/32'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1/128'],
    ['2001:0db8:0000:0000:0000:0000:0000:0000/48', '2001:db8::/48'],
    ['::1', '::1/128'],
    ['fe80::/10', 'fe80::/10'],
    ['2001:db8:1:1:1:1:1:0/127', '2001:db8:1:1:1:1:1:0/127'],
  ])('given %s, then the canonical form is %s', (input, text) => {
    expect(cidr(input).text).toBe(text);
  });

  it.each([
    ['10.0.0.1/8', /host bits are set; did you mean 10.0.0.0\/8\?/],
    ['0.0.0.0/0', /prefix length must be 1 to 32/],
    ['10.0.0.0/33', /prefix length must be 1 to 32/],
    ['10.0.0.256', /"256" is not a number from 0 to 255/],
    ['010.0.0.0/8', /"010" is not a number/],
    ['10.0.0/8', /four dot-separated numbers/],
    ['2001:db8::1::/64', /"::" may appear only once/],
    ['2001:db8:1:2:3:4:5:6:7', /eight groups/],
    ['::ffff:10.0.0.1', /hexadecimal only/],
    ['2001:db8::g/64', /"g" is not a group/],
    ['10.0.0.0/8/8', /more than one/],
    ['10.0.0.0/x', /must be a number/],
  ])('given %s, then it is refused', (input, message) => {
    expect(problem(input)).toMatch(message);
  });
});

describe('cidrsOverlap and compareCidrs', () => {
  it('given nested, disjoint and cross-family blocks, then only nested ones overlap', () => {
    expect(cidrsOverlap(cidr('10.0.0.0/8'), cidr('10.255.0.0/16'))).toBe(true);
    expect(cidrsOverlap(cidr('10.255.0.0/16'), cidr('10.0.0.0/8'))).toBe(true);
    expect(cidrsOverlap(cidr('10.0.0.0/16'), cidr('10.1.0.0/16'))).toBe(false);
    expect(cidrsOverlap(cidr('2001:db8::/32'), cidr('2001:db8:ffff::/48'))).toBe(true);
    expect(cidrsOverlap(cidr('0.0.0.1'), cidr('::1'))).toBe(false);
  });

  it('given mixed blocks, then IPv4 sort before IPv6, numerically, shorter prefix first', () => {
    const sorted = ['::1', '10.0.0.0/16', '9.0.0.0/8', '10.0.0.0/8'].map(cidr).sort(compareCidrs);
    expect(sorted.map((c) => c.text)).toEqual([
      '9.0.0.0/8',
      '10.0.0.0/8',
      '10.0.0.0/16',
      '::1/128',
    ]);
  });
});
