import type { LocalDnsFirewall } from '../dns-firewall/local-dns-firewall';
import { signingCaller } from '../waf/signing-caller';
import type { AwsRequest, AwsResponse } from './http-exchange';
import { handleJson } from './json-protocol';

/** Route 53 Resolver DNS Firewall (`Route53Resolver.*`, AWS JSON 1.1) answered by the local stand-in. */
export function handleRoute53Resolver(
  request: AwsRequest,
  firewall: LocalDnsFirewall,
): Promise<AwsResponse> {
  return handleJson(request, '1.1', firewall.operations(signingCaller(request.headers)));
}
