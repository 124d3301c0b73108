import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoStageRecords } from '../../../lambdas/adapters/stages/dynamo-stage-records';
import { ward as wardCli } from '../../support/cli-harness';
import { eventually } from '../../support/local-runtime';
import { useWardRuntime } from '../../support/ward-runtime';

const ward = useWardRuntime();

const tokenOf = (person: string, groups: string[]) =>
  ward.token(`${person}@bank.example`, { groups });

async function applyChange(): Promise<number> {
  const proposed = await ward.api('POST', '/changes', {
    token: await tokenOf('pat', ['eng-customer']),
    body: {
      add: { ingress: [{ from: 'service.emoji', to: 'service.payments' }] },
      justification: 'emoji reactions on payments',
    },
  });
  const change = proposed.body as { id: string; diffSha256: string; impactSha256: string };
  for (const approver of ['pay1', 'pay2'])
    await ward.api('POST', `/changes/${change.id}/approve`, {
      token: await tokenOf(approver, ['eng-payments']),
      body: { diffSha256: change.diffSha256, impactSha256: change.impactSha256 },
    });
  return eventually(
    async () => {
      const got = await ward.api('GET', `/changes/${change.id}`, {
        token: await tokenOf('pat', ['eng-customer']),
      });
      return got.body.state === 'applied' ? (got.body.appliedVersion as number) : undefined;
    },
    180_000,
    'the change to be applied',
  );
}

describe('promotion of an applied change', () => {
  it('given an applied change, then its bundle goes through s101 and s102 by itself, waits at the prod gate, reaches prod once someone who may approves, and a hand edit shows as drift', async () => {
    const version = await applyChange();
    const records = new DynamoStageRecords({
      client: DynamoDBDocumentClient.from(
        new DynamoDBClient({ ...ward.clientConfig, endpoint: ward.runtime.dynamoDbEndpoint }),
      ),
      tableName: ward.registryTable(),
    });

    const prod = await eventually(
      async () => {
        const lane = await records.lane('prod');
        const id = lane.waiting?.request.id;
        // Held means the workflow parked its task token at the gate, not only queued there.
        return id !== undefined && (await records.heldAtGate('prod', id)) !== undefined
          ? lane
          : undefined;
      },
      180_000,
      'the promotion to wait at the prod gate',
    );

    expect(prod.waiting?.request.bundle.version).toBeGreaterThanOrEqual(version);
    expect((await records.lane('s101')).deployed).toEqual(prod.waiting?.request.bundle);
    expect((await records.lane('s102')).deployed).toEqual(prod.waiting?.request.bundle);
    const results = await records.resultsFor(prod.waiting?.request.bundle.version ?? -1);
    expect(results.map((r) => `${r.stage}:${r.outcome}`)).toEqual([
      's101:applied',
      's101:verified',
      's102:applied',
      's102:verified',
    ]);
    const bucket = ward.runtime.buckets
      .configs()
      .find((b) => b.name.startsWith('ward-s101-manifests-'))?.name;
    const pointer = await new S3Client(ward.clientConfig).send(
      new GetObjectCommand({ Bucket: bucket, Key: 'manifests/stages/s102/current.json' }),
    );
    expect(JSON.parse((await pointer.Body?.transformToString()) ?? '{}')).toMatchObject({
      stage: 's102',
      bundle: prod.waiting?.request.bundle,
    });
    const actions = await eventually(
      () => {
        const seen = ward.auditEvents().map((e) => e.action);
        return seen.includes('promotion.gate.waiting') ? seen : undefined;
      },
      10_000,
      'promotion.gate.waiting on the audit bus',
    );
    expect(actions).toEqual(
      expect.arrayContaining([
        'promotion.stage.applied',
        'promotion.stage.verified',
        'promotion.gate.waiting',
      ]),
    );

    // The gate, through the CLI: the proposer, a person without MFA, then someone who may.
    const id = prod.waiting?.request.id ?? '';
    const as = async (person: string, mfa = true) =>
      ({
        PATH: process.env.PATH,
        WARD_API_URL: ward.runtime.apiUrl,
        WARD_TOKEN: await ward.token(`${person}@bank.example`, { groups: ['eng-security'], mfa }),
      }) as Record<string, string | undefined>;
    const shown = await wardCli(['pipeline', '--format', 'json'], await as('sre'));
    expect(JSON.parse(shown.stdout)).toEqual({
      stages: [
        { name: 's101', version: prod.waiting?.request.bundle.version, status: 'deployed' },
        { name: 's102', version: prod.waiting?.request.bundle.version, status: 'deployed' },
        { name: 'prod', version: null, status: 'empty' },
      ],
      pending: [
        {
          id,
          version: prod.waiting?.request.bundle.version,
          stage: 'prod',
          status: 'waiting-approval',
        },
      ],
    });
    const byProposer = await wardCli(['promote', 'approve', id], await as('pat'));
    expect(byProposer.code).not.toBe(0);
    expect(byProposer.stderr).toMatch(/own-change/);
    const withoutMfa = await wardCli(['promote', 'approve', id], await as('sre', false));
    expect(withoutMfa.code).not.toBe(0);
    expect(withoutMfa.stderr).toMatch(/no-mfa/);

    const approved = await wardCli(['promote', 'approve', id], await as('sre'));
    expect(approved.stderr).toBe('');
    expect(approved.stdout).toBe(`approved promotion ${id} at the prod gate\n`);
    const deployed = await eventually(
      async () => {
        const lane = await records.lane('prod');
        return lane.deployed !== undefined && lane.applying === undefined ? lane : undefined;
      },
      180_000,
      'the bundle to be deployed in prod',
    );
    expect(deployed.deployed).toEqual(prod.waiting?.request.bundle);

    // Someone edits a manifest prod runs by hand: the scheduled drift check reports it.
    const s3 = new S3Client(ward.clientConfig);
    const current = JSON.parse(
      (await (
        await s3.send(
          new GetObjectCommand({ Bucket: bucket, Key: 'manifests/stages/prod/current.json' }),
        )
      ).Body?.transformToString()) ?? '{}',
    ) as { prefix: string; files: Record<string, string> };
    const [edited] = Object.keys(current.files);
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: `${current.prefix}${edited}`,
        Body: 'kind: Edited\n',
      }),
    );
    const driftCheck = [...ward.runtime.functions.values()].find(
      (f) => f.config.handlerName === 'checkPromotionDrift',
    );
    // All three stages run this bundle, whose objects the stages share here (one local bucket).
    expect(await driftCheck?.invoke({})).toEqual({ ok: true, result: { drifted: 3 } });
    const drift = await eventually(
      () =>
        ward
          .auditEvents()
          .find(
            (e) =>
              e.action === 'promotion.drift' && (e.details as { stage?: string }).stage === 'prod',
          ),
      10_000,
      'promotion.drift on the audit bus',
    );
    expect(drift).toMatchObject({
      target: { type: 'promotion-target', id: 's3-manifests' },
      details: { stage: 'prod', changed: [edited] },
    });
  }, 600_000);
});
