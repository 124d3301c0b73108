import {
  compileFilterPattern,
  UnsupportedFilterPatternError,
} from '../../../local/logs/filter-pattern';

const line = JSON.stringify({
  status: 401,
  authorizerError: '-',
  routeKey: 'POST /changes',
  latency: '12',
});

describe('CloudWatch Logs JSON filter patterns', () => {
  it.each([
    ['', true],
    ['{ $.status = 401 }', true],
    ['{ $.status = 403 }', false],
    ['{ $.status >= 400 }', true],
    ['{ $.latency < 20 }', true],
    ['{ ($.status = 401) || (($.status = 403) && ($.authorizerError != "-")) }', true],
    ['{ ($.status = 403) && ($.authorizerError != "-") }', false],
    ['{ $.routeKey = "POST *" }', true],
    ['{ $.routeKey = "GET *" }', false],
    ['{ $.missing = NULL }', false],
    ['{ $.missing != 5 }', true],
  ])('given %s, then the access-log line matches: %s', (pattern, expected) => {
    expect(compileFilterPattern(pattern)(line)).toBe(expected);
  });

  it('given a line that is not JSON, then a JSON pattern does not match it', () => {
    expect(compileFilterPattern('{ $.status = 401 }')('plain text')).toBe(false);
  });

  it.each(['ERROR', '[ip, user, ...]', '{ $.status = 401 ', '{ status = 401 }'])(
    'given %j, then it is refused as unsupported',
    (pattern) => {
      expect(() => compileFilterPattern(pattern)).toThrow(UnsupportedFilterPatternError);
    },
  );
});
