import { Route53ResolverClient } from '@aws-sdk/client-route53resolver';
import { LocalAwsEndpoint } from '../../local/aws-endpoint/local-aws-endpoint';
import { handleRoute53Resolver } from '../../local/aws-endpoint/route53resolver-json-protocol';
import { LocalDnsFirewall } from '../../local/dns-firewall/local-dns-firewall';

/**
 * The DNS Firewall stand-in served over HTTP for the suite, as the real Route 53 Resolver
 * client reaches it. `clientOf(accessKeyId)`: the stand-in keeps state per access key, so a
 * key is an account; give each test its own to keep them apart.
 */
export function useServedDnsFirewall(): {
  clientOf: (accessKeyId: string) => Route53ResolverClient;
} {
  let endpoint: LocalAwsEndpoint | undefined;
  let url = '';
  beforeAll(async () => {
    const firewall = new LocalDnsFirewall();
    endpoint = new LocalAwsEndpoint(
      { route53resolver: (r) => handleRoute53Resolver(r, firewall) },
      () => Promise.resolve(false),
    );
    url = await endpoint.listen(0);
  });
  afterAll(() => endpoint?.close());
  return {
    clientOf: (accessKeyId) =>
      new Route53ResolverClient({
        endpoint: url,
        region: 'eu-west-2',
        maxAttempts: 1,
        credentials: { accessKeyId, secretAccessKey: 'b' },
      }),
  };
}
