import { networkPolicyTampering } from '../../../../lambdas/core/audit/detections/network-policy-tampering';
import { config, kubernetes, run } from './support';

const detection = networkPolicyTampering(config);

describe('detection: a NetworkPolicy deleted or edited by anyone but Ward', () => {
  it('given a person deleting a Ward NetworkPolicy (k8s audit fixture), then a high finding', () => {
    expect(run(detection, kubernetes('k8s/networkpolicy-delete.json'))).toEqual([
      expect.objectContaining({
        severity: 'high',
        dedupKey:
          'network-policy-tampering:mallory@bank.example:prod-eu/ledger/ward-ingress-service-ledger',
      }),
    ]);
  });

  it('given Ward’s deployer patching and a forbidden delete, then nothing', () => {
    expect(run(detection, kubernetes('k8s/networkpolicy-patch-by-ward.json'))).toEqual([]);
  });
});
