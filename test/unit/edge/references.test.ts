import {
  parseReference,
  reference,
  resolveReferences,
  UnresolvedReferenceError,
} from '../../../lambdas/core/edge/references';

describe('placeholder references', () => {
  it('given a kind and a name, then the placeholder round-trips', () => {
    expect(reference('ipset', 'public-api-allow-v4')).toBe('ward-ref:ipset/public-api-allow-v4');
    expect(parseReference('ward-ref:domainlist/ward-catch-all')).toEqual({
      kind: 'domainlist',
      name: 'ward-catch-all',
    });
    expect(parseReference('arn:aws:wafv2:...')).toBeUndefined();
  });

  it('given a request with placeholders, when resolved, then each is replaced deep inside and the input is untouched', () => {
    const request = {
      Rules: [{ Statement: { IPSetReferenceStatement: { ARN: reference('ipset', 'a') } } }],
      Name: 'x',
    };
    const resolved = resolveReferences(request, (kind, name) => `arn:${kind}:${name}`);
    expect(resolved).toEqual({
      Rules: [{ Statement: { IPSetReferenceStatement: { ARN: 'arn:ipset:a' } } }],
      Name: 'x',
    });
    expect(request.Rules[0]?.Statement.IPSetReferenceStatement.ARN).toBe('ward-ref:ipset/a');
  });

  it('given a placeholder the resolver does not know, then it throws rather than send it to AWS', () => {
    expect(() =>
      resolveReferences({ ARN: reference('regexset', 'gone') }, () => undefined),
    ).toThrow(UnresolvedReferenceError);
  });
});
