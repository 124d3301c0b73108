import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  BundleNotFoundError,
  S3BundleStore,
} from '../../../lambdas/adapters/bundles/s3-bundle-store';
import { bundleIdentity } from '../../../lambdas/core/promotion/targets';
import { eventually } from '../../support/local-runtime';
import { useWardRuntime } from '../../support/ward-runtime';

const ward = useWardRuntime();

/** People of the example bank, with the groups its teams.yaml names. */
const people = {
  pat: { groups: ['eng-customer'] },
  pay1: { groups: ['eng-payments'] },
  pay2: { groups: ['eng-payments'] },
};
const tokenOf = (name: keyof typeof people, extra: Parameters<typeof ward.token>[1] = {}) =>
  ward.token(`${name}@bank.example`, { groups: people[name].groups, ...extra });
const changeTarget = (event: Record<string, unknown>) => (event.target as { id: string }).id;

describe('a change to a critical service, from proposal to bundle', () => {
  it('given two payments approvals, then the change is applied, the bundle stored and every step audited', async () => {
    // service.emoji (customer) asks to call payments (payments, critical).
    const proposed = await ward.api('POST', '/changes', {
      token: await tokenOf('pat'),
      body: {
        add: { ingress: [{ from: 'service.emoji', to: 'service.payments' }] },
        justification: 'emoji reactions on payments',
      },
    });
    expect(proposed.status).toBe(201);
    const change = proposed.body as {
      id: string;
      diffSha256: string;
      impactSha256: string;
      requiredApprovals: unknown[];
      impact: { newlyReachable: unknown[] };
    };
    expect(change.requiredApprovals).toEqual([
      expect.objectContaining({ team: 'payments', group: 'eng-payments', approvals: 2 }),
    ]);
    // What no other tool shows: through payments, emoji now reaches fraud, faster-payments and fx-rates too.
    expect(change.impact.newlyReachable).toEqual([
      {
        caller: 'service.emoji',
        direct: ['service.payments'],
        transitive: ['service.faster-payments', 'service.fraud', 'service.fx-rates'],
      },
    ]);
    const shown = { diffSha256: change.diffSha256, impactSha256: change.impactSha256 };

    const first = await ward.api('POST', `/changes/${change.id}/approve`, {
      token: await tokenOf('pay1'),
      body: shown,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      state: 'proposed',
      missingApprovals: [{ team: 'payments', group: 'eng-payments', approvals: 1 }],
    });

    const second = await ward.api('POST', `/changes/${change.id}/approve`, {
      token: await tokenOf('pay2'),
      body: shown,
    });
    expect(second.body).toMatchObject({ state: 'approved', missingApprovals: [] });

    const applied = await eventually(
      async () => {
        const got = await ward.api('GET', `/changes/${change.id}`, { token: await tokenOf('pat') });
        return got.body.state === 'applied' ? got.body : undefined;
      },
      30_000,
      'the change to be applied',
    );
    const rules = await ward.registry().readCurrent();
    expect(rules.version).toBe(applied.appliedVersion);
    expect(rules.ingress).toContainEqual({
      from: 'service.emoji',
      to: 'service.payments',
      ports: [],
    });

    const actions = await eventually(
      () => {
        const seen = ward
          .auditEvents()
          .filter((e) => changeTarget(e) === change.id)
          .map((e) => e.action);
        return seen.includes('change.applied') ? seen : undefined;
      },
      30_000,
      'change.applied on the audit bus',
    );
    expect(actions).toEqual([
      'change.proposed',
      'change.approval.recorded',
      'change.approval.recorded',
      'change.applied',
    ]);

    const appliedEvent = ward
      .auditEvents()
      .find((e) => e.action === 'change.applied' && changeTarget(e) === change.id) as {
      details: { bundleKey: string; bundleSha256: string; approvers: string[] };
    };
    expect(appliedEvent.details.approvers.sort()).toEqual([
      'pay1@bank.example',
      'pay2@bank.example',
    ]);
    const bucket = ward.runtime.buckets
      .configs()
      .find((b) => b.name.startsWith('ward-s101-bundles-'))?.name;
    const stored = await new S3Client(ward.clientConfig).send(
      new GetObjectCommand({ Bucket: bucket, Key: appliedEvent.details.bundleKey }),
    );
    const bundle = JSON.parse((await stored.Body?.transformToString()) ?? '{}') as {
      manifest: { bundleSha256: string; ruleSetVersion: number };
      files: Record<string, string>;
    };
    expect(bundle.manifest).toMatchObject({
      bundleSha256: appliedEvent.details.bundleSha256,
      ruleSetVersion: rules.version,
    });
    expect(bundle.files['kubernetes/payments/service.payments.ingress.yaml']).toContain(
      'service.emoji',
    );

    // What promotion reads: the version's bundle, whose files hash to the identity it names.
    const loaded = await new S3BundleStore({
      client: new S3Client(ward.clientConfig),
      bucket: bucket ?? '',
    }).load(rules.version);
    expect(loaded.ref).toEqual({
      version: rules.version,
      bundleSha256: bundle.manifest.bundleSha256,
    });
    expect(bundleIdentity(loaded.files)).toBe(loaded.ref.bundleSha256);
    await expect(
      new S3BundleStore({ client: new S3Client(ward.clientConfig), bucket: bucket ?? '' }).load(
        rules.version + 100,
      ),
    ).rejects.toBeInstanceOf(BundleNotFoundError);
  });
});
