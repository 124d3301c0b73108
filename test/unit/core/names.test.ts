import {
  egressHostProblem,
  labelKeyProblem,
  namespaceProblem,
  portProblem,
  serviceNameProblem,
  vaultPathProblem,
} from '../../../lambdas/core/model/names';

describe('egress host names', () => {
  it.each(['api.stripe.com', '*.stripe.com', 'a-b.c0.example.co.uk', 'x.io'])(
    'given %s, when checked, then it is accepted',
    (host) => expect(egressHostProblem(host)).toBeUndefined(),
  );

  it.each([
    ['', /empty/],
    ['localhost', /at least two labels/],
    ['*.com', /wildcard must be followed by at least two labels/],
    ['api*.stripe.com', /whole leftmost label/],
    ['api.*.stripe.com', /whole leftmost label/],
    ['*', /at least two labels/],
    ['-api.stripe.com', /label "-api"/],
    ['api..stripe.com', /label ""/],
    ['api.stripe.com.', /trailing/],
    ['API.stripe.com', /lowercase/],
    ['10.0.0.1', /IP addresses/],
    ['api_x.stripe.com', /label "api_x"/],
    [`${'a'.repeat(64)}.com`, /label/],
    [`${'a.'.repeat(127)}com`, /longer than 253/],
  ])('given %j, when checked, then it is refused saying %s', (host, reason) => {
    expect(egressHostProblem(host)).toMatch(reason);
  });
});

describe('ports', () => {
  it.each([1, 443, 65535])('accepts %d', (port) => expect(portProblem(port)).toBeUndefined());
  it.each([0, -1, 65536, 8.5, Number.NaN])('refuses %d', (port) =>
    expect(portProblem(port)).toMatch(/not a valid port/),
  );
});

describe('service names and namespaces', () => {
  it.each(['service.ledger', 'ledger', 'service.card-processing'])('accepts service %s', (name) =>
    expect(serviceNameProblem(name)).toBeUndefined(),
  );
  it.each([
    'Service.Ledger',
    '.ledger',
    'ledger.',
    'service..ledger',
    'a'.repeat(64),
    'svc_ledger',
  ])('refuses service %j', (name) =>
    expect(serviceNameProblem(name)).toMatch(/not a valid service name/),
  );
  it('refuses a namespace with a dot, since namespaces are DNS labels', () => {
    expect(namespaceProblem('service.ledger')).toMatch(/not a valid namespace/);
    expect(namespaceProblem('service-ledger')).toBeUndefined();
  });
  it('checks label keys with and without a prefix', () => {
    expect(labelKeyProblem('app.kubernetes.io/name')).toBeUndefined();
    expect(labelKeyProblem('domain')).toBeUndefined();
    expect(labelKeyProblem('bad prefix/name')).toMatch(/not a valid label key/);
  });
});

describe('vault paths', () => {
  it.each([
    'secret/data/ledger/*',
    'secret/data/+/config',
    'secret/data/shared/key',
    'secret/data/foo*',
  ])('accepts %s', (path) => expect(vaultPathProblem(path)).toBeUndefined());
  it.each([
    ['/secret/data/x', /must not start with/],
    ['secret/data/../other/*', /"\." and "\.\." segments/],
    ['secret/*/x', /"\*" may only end the path/],
    ['secret/da ta/x', /segment "da ta"/],
    ['', /1 to 512/],
  ])('refuses %j', (path, reason) => expect(vaultPathProblem(path)).toMatch(reason));
});
