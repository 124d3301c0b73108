import type { LocalWafV2 } from '../waf/local-wafv2';
import type { AwsRequest, AwsResponse } from './http-exchange';
import { handleJson } from './json-protocol';
import { signingCaller } from '../waf/signing-caller';

/** WAFv2 (`AWSWAF_20190729.*`, AWS JSON 1.1) answered by the local stand-in, per signing account and Region. */
export function handleWafV2(request: AwsRequest, waf: LocalWafV2): Promise<AwsResponse> {
  return handleJson(request, '1.1', waf.operations(signingCaller(request.headers)));
}
