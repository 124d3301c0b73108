import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileBundle } from '../../../lambdas/core/compile/bundle';
import { bundleChanges } from '../../../lambdas/core/promotion/bundle-changes';
import { bundleIdentity, type TargetBundle } from '../../../lambdas/core/promotion/targets';
import type { RuleSetInput } from '../../../lambdas/core/model/schemas';
import { createRuleSet } from '../../../lambdas/core/rules/rule-set';
import { smallFleet } from '../../support/rule-set-builders';

type EdgeRuleInput = NonNullable<RuleSetInput['edgeRules']>[number];
const edgeRules = (): EdgeRuleInput[] =>
  (
    JSON.parse(
      readFileSync(join(__dirname, '../../fixtures/edge/example-edge-rules.json'), 'utf8'),
    ) as EdgeRuleInput[]
  ).map((e) => ({ ...e, service: 'service.ledger' }));

function bundleOf(input: RuleSetInput): TargetBundle {
  const { files, manifest } = compileBundle(createRuleSet(input));
  expect(bundleIdentity(files)).toBe(manifest.bundleSha256);
  return { ref: { version: manifest.ruleSetVersion, bundleSha256: manifest.bundleSha256 }, files };
}

describe('bundleChanges: what a bundle changed since the one before it', () => {
  const v1 = bundleOf(smallFleet({ version: 1, edgeRules: edgeRules() }));

  it('given a new edge, a WAF rule tightened and one removed, then exactly those are reported', () => {
    const [api, cdn] = edgeRules() as [EdgeRuleInput, EdgeRuleInput];
    const v2 = bundleOf(
      smallFleet({
        version: 2,
        ingress: [...(smallFleet().ingress ?? []), { from: 'service.ledger', to: 'service.pots' }],
        edgeRules: [
          {
            ...api,
            rateLimits: (api.rateLimits ?? []).map((r) =>
              r.name === 'per-ip' ? { ...r, limit: 1000 } : r,
            ),
            customRules: (api.customRules ?? []).filter((r) => r.name !== 'body-over-64k'),
          },
          { ...cdn, defaultAction: 'block' },
        ],
      }),
    );

    const changes = bundleChanges(v2, v1);

    expect(changes.previous).toEqual(v1.ref);
    expect(changes.edges).toEqual({ added: ['service.ledger -> service.pots'], removed: [] });
    expect(changes.waf).toEqual([
      {
        endpoint: 'checkout-cdn',
        change: 'changed',
        rules: { added: [], removed: [], changed: [] },
        defaultAction: { from: 'allow', to: 'block' },
        capacity: { from: 830, to: 830 },
      },
      {
        endpoint: 'public-api',
        change: 'changed',
        // Removing a rule renumbers the rules after it; that alone changes none of them.
        rules: { added: [], removed: ['body-over-64k'], changed: ['per-ip'] },
        capacity: { from: 1233, to: 1232 },
      },
    ]);
    expect(changes.files.changed).toBeGreaterThan(0);
  });

  it('given the same rules at the next version, then nothing changed', () => {
    const again = bundleOf(smallFleet({ version: 2, edgeRules: edgeRules() }));
    expect(bundleChanges(again, v1)).toMatchObject({
      edges: { added: [], removed: [] },
      waf: [],
      dnsFirewall: [],
      files: { added: 0, removed: 0, changed: 0 },
    });
  });

  it('given the first bundle, then every edge and endpoint is added', () => {
    const changes = bundleChanges(v1);
    expect(changes.previous).toBeNull();
    expect(changes.edges?.added).toEqual([
      'service.payments -> service.ledger',
      'service.pots -> service.ledger (8080/TCP)',
    ]);
    expect(changes.waf.map((w) => `${w.endpoint}:${w.change}`)).toEqual([
      'checkout-cdn:added',
      'public-api:added',
    ]);
  });

  it('given a service moved into a workload group with egress, then its group’s DNS Firewall names are reported', () => {
    const v2 = bundleOf(
      smallFleet({
        version: 2,
        services: (smallFleet().services ?? []).map((s) =>
          s.name === 'service.payments' ? { ...s, workloadGroup: 'pay-vpc' } : s,
        ),
        edgeRules: edgeRules(),
      }),
    );
    expect(bundleChanges(v2, v1).dnsFirewall).toEqual([
      { group: 'pay-vpc', change: 'added', domains: { added: ['api.stripe.com'], removed: [] } },
    ]);
  });

  it('given a manifest from before edges were recorded, then edges are unknown rather than guessed', () => {
    const files = new Map(v1.files);
    const manifest = JSON.parse(files.get('bundle.json') ?? '{}') as Record<string, unknown>;
    delete manifest.edges;
    files.set('bundle.json', JSON.stringify(manifest));
    expect(bundleChanges(v1, { ref: v1.ref, files }).edges).toBeNull();
  });
});
