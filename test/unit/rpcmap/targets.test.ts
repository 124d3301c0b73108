import { unquoteGoString } from '../../../rpcmap/extract/unquote';
import { normaliseName, ServiceIndex } from '../../../rpcmap/resolve/service-index';
import { resolveTarget, type TargetSpec } from '../../../rpcmap/resolve/targets';

const index = new ServiceIndex([
  { name: 'service.ledger', aliases: ['srv-ledger'] },
  { name: 'service.cart' },
  { name: 'service.card-processing' },
]);
const context = {
  index,
  envOf: (service: string, name: string) =>
    service === 'service.a' && name === 'LEDGER_ADDR' ? 'ledger:8080' : undefined,
};
const url = (value: string): TargetSpec => ({ kind: 'url', value: [value] });
const address = (value: string): TargetSpec => ({ kind: 'address', value: [value] });

describe('resolving targets against the fleet', () => {
  it.each<[TargetSpec, string]>([
    [url('http://service.ledger/x'), 'service.ledger'],
    [url('https://ledger.ledger.svc.cluster.local:8443/x'), 'service.ledger'],
    [address('service-ledger:8080'), 'service.ledger'],
    [address('dns:///ledger:8080'), 'service.ledger'],
    [address('consul://127.0.0.1:8500/srv-ledger'), 'service.ledger'],
    [address('cartservice:7070'), 'service.cart'],
    [{ kind: 'name', value: ['CardProcessingService'] }, 'service.card-processing'],
    [{ kind: 'address', value: [{ h: 'env', name: 'LEDGER_ADDR' }] }, 'service.ledger'],
    [{ kind: 'address', value: [{ h: 'env', name: 'CART_SERVICE_ADDR' }] }, 'service.cart'],
  ])('given %j, then it names %s', (target, service) => {
    expect(resolveTarget(target, 'service.a', context)).toEqual({ kind: 'service', service });
  });

  it.each([
    [url('https://api.stripe.com/v1'), 'api.stripe.com', 443],
    [url('http://example.org/x'), 'example.org', 80],
    [address('grpc.partner.co.uk:9443'), 'grpc.partner.co.uk', 9443],
  ])('given %j, then it is egress to %s:%d', (target, host, port) => {
    expect(resolveTarget(target, 'service.a', context)).toEqual({ kind: 'egress', host, port });
  });

  it.each<[TargetSpec]>([
    [url('http://localhost:8080/x')],
    [url('http://service.unknown/x')],
    [address('unix:///var/run/x.sock')],
    [{ kind: 'address', value: [{ h: 'env', name: 'MYSTERY' }] }],
    [{ kind: 'url', value: [{ h: 'unknown', what: 'a call' }, '/x'] }],
  ])('given %j, then it is unresolved with a reason', (target) => {
    const resolution = resolveTarget(target, 'service.a', context);

    expect(resolution.kind).toBe('unresolved');
    expect(resolution.kind === 'unresolved' && resolution.reason.length).toBeGreaterThan(10);
  });

  it('given a name two services share once normalised, then it names neither', () => {
    const shared = new ServiceIndex([{ name: 'service.pay' }, { name: 'pay-svc' }]);

    expect(shared.lookup('PAY_SERVICE')).toBeUndefined();
    expect(normaliseName('CART_SERVICE')).toBe('cart');
  });

  it.each([
    ['"a\\tb\\x41\\u00e9\\101"', 'a\tbAéA'],
    ['`raw\\n`', 'raw\\n'],
    ['"plain"', 'plain'],
  ])('given the Go literal %s, then its value is %j', (literal, value) => {
    expect(unquoteGoString(literal)).toBe(value);
  });
});
