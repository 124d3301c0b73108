import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scan } from '../../../rpcmap/scan/scan';

const FIXTURES = join(__dirname, '../../fixtures/rpcmap');

interface Expected {
  readonly edges: readonly (readonly [string, string, string])[];
  readonly egress: readonly (readonly [string, string, number])[];
  readonly unresolved: readonly (readonly [string, string])[];
}

/** Each fixture holds positive and negative cases of one pattern, and what must be found. */
describe.each([
  ['url-calls', 'URL calls: literals, constants, concatenation, fmt.Sprintf, client.Do'],
  ['service-package', 'generated RPC clients from another service tree'],
  ['grpc', 'gRPC constructors, dial addresses, environment variables and manifests'],
  ['egress', 'internet egress'],
  ['registry-names', 'names resolved by a registry or sidecar'],
  ['indirection', 'clients built in one place and used in another'],
  ['bad-input', 'files that do not parse, binary and huge files'],
])('given the %s fixture (%s)', (fixture) => {
  const expected = JSON.parse(
    readFileSync(join(FIXTURES, fixture, 'expected.json'), 'utf8'),
  ) as Expected;

  it('when scanned, then it finds exactly the expected edges, hosts and unresolved calls', async () => {
    const { result } = await scan({ root: join(FIXTURES, fixture), cacheDir: false });

    expect(
      result.edges.map((edge) => [edge.from, edge.to, edge.evidence[0]?.pattern ?? 'no evidence']),
    ).toEqual(expected.edges);
    expect(result.egress.map((egress) => [egress.from, egress.host, egress.port])).toEqual(
      expected.egress,
    );
    expect(result.unresolved).toHaveLength(expected.unresolved.length);
    expected.unresolved.forEach(([from, reason], i) => {
      expect(result.unresolved[i]?.from).toBe(from);
      expect(result.unresolved[i]?.reason).toContain(reason);
    });
    for (const found of [...result.edges, ...result.egress, ...result.unresolved]) {
      for (const evidence of found.evidence) {
        expect(evidence.snippet).not.toBe('');
        expect(evidence.line).toBeGreaterThan(0);
        expect(evidence.column).toBeGreaterThan(0);
      }
    }
  });
});
