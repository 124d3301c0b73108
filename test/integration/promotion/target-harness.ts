import { Route53ResolverClient } from '@aws-sdk/client-route53resolver';
import { S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileBundle } from '../../../lambdas/core/compile/bundle';
import {
  compileDnsFirewall,
  dnsFirewallFiles,
  type DnsFirewallOptions,
} from '../../../lambdas/core/edge/dns-firewall';
import { compileEdgeRules, edgeRuleFiles } from '../../../lambdas/core/edge/waf-compiler';
import type { StageResult } from '../../../lambdas/core/promotion/admission';
import type { StageName } from '../../../lambdas/core/promotion/stages';
import { bundleIdentity, type TargetBundle } from '../../../lambdas/core/promotion/targets';
import { createRuleSet } from '../../../lambdas/core/rules/rule-set';
import { handleRoute53Resolver } from '../../../local/aws-endpoint/route53resolver-json-protocol';
import { LocalAwsEndpoint } from '../../../local/aws-endpoint/local-aws-endpoint';
import { handleS3 } from '../../../local/aws-endpoint/s3-rest-protocol';
import { handleWafV2 } from '../../../local/aws-endpoint/wafv2-json-protocol';
import { LocalDnsFirewall } from '../../../local/dns-firewall/local-dns-firewall';
import { LocalBuckets } from '../../../local/s3/local-buckets';
import { LocalWafV2 } from '../../../local/waf/local-wafv2';
import type { LocalWafLimits } from '../../../local/waf/web-acl-checks';
import { smallFleet } from '../../support/rule-set-builders';

export const MANIFEST_BUCKET = 'ward-manifests';

/**
 * The stand-ins and local S3 behind the local runtime's AWS endpoint, without the rest of the
 * runtime (no stack to synthesize): each stage signs with its own access key, its own account.
 */
export function useTargetEndpoint(wafLimits?: LocalWafLimits) {
  const state: { endpoint?: LocalAwsEndpoint; url?: string; waf?: LocalWafV2 } = {};
  beforeAll(async () => {
    const waf = new LocalWafV2(wafLimits);
    const dns = new LocalDnsFirewall();
    const buckets = new LocalBuckets(
      [{ name: MANIFEST_BUCKET, versioned: true }],
      mkdtempSync(join(tmpdir(), 'ward-targets-')),
    );
    const endpoint = new LocalAwsEndpoint(
      {
        wafv2: (request) => handleWafV2(request, waf),
        route53resolver: (request) => handleRoute53Resolver(request, dns),
        s3: (request) => handleS3(request, buckets),
      },
      () => Promise.resolve(false),
    );
    state.url = await endpoint.listen(0);
    state.endpoint = endpoint;
    state.waf = waf;
  });
  afterAll(async () => {
    await state.endpoint?.close();
  });
  const config = (stage: StageName, region = 'eu-west-2') => ({
    endpoint: state.url ?? '',
    region,
    credentials: { accessKeyId: `account-${stage}`, secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    config,
    get waf(): LocalWafV2 {
      if (state.waf === undefined) throw new Error('the endpoint has not started');
      return state.waf;
    },
    route53: (stage: StageName) => new Route53ResolverClient(config(stage)),
    s3: (stage: StageName) => new S3Client({ ...config(stage), forcePathStyle: true }),
  };
}

const edgeConfig = (): unknown[] =>
  JSON.parse(
    readFileSync(join(__dirname, '../../fixtures/edge/example-edge-rules.json'), 'utf8'),
  ) as unknown[];

/** A bundle with every kind of file the targets own: Kubernetes, Vault, WAF and DNS Firewall. */
export function exampleBundle(
  version = 1,
  hosts = ['api.stripe.com', '*.adyen.com'],
  dnsOptions: DnsFirewallOptions = {},
): TargetBundle {
  // Hosts are spread over the three services: one service with thousands would exceed Cilium's map.
  const services = ['service.payments', 'service.ledger', 'service.pots'];
  const ruleSet = createRuleSet(
    smallFleet({
      version,
      egress: hosts.map((host, i) => ({ service: services[i % 3] ?? 'service.payments', host })),
    }),
  );
  const files = new Map(compileBundle(ruleSet).files);
  for (const [path, text] of edgeRuleFiles(compileEdgeRules(edgeConfig()))) files.set(path, text);
  for (const [path, text] of dnsFirewallFiles(compileDnsFirewall(ruleSet, dnsOptions)))
    files.set(path, text);
  return { ref: { version, bundleSha256: bundleIdentity(files) }, files };
}

/** Results saying the bundle passed every stage before `stage`. */
export function passedBefore(bundle: TargetBundle, stages: readonly StageName[]): StageResult[] {
  return stages.map((stage, i) => ({
    ...bundle.ref,
    stage,
    outcome: 'verified',
    at: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
  }));
}
