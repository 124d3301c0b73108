import type { AlertLine } from '../../../cli/commands/alerts';
import { ward as wardCli } from '../../support/cli-harness';
import { eventually } from '../../support/local-runtime';
import { useWardRuntime } from '../../support/ward-runtime';
import {
  applyChange,
  deployedIn,
  FLEET_ACCOUNTS,
  FLOW_MS,
  heldAtGate,
  stageRecords,
  wardAs,
} from './promotion-support';

const ward = useWardRuntime();

/** A standard-tier change the customer team approves with one person: a new caller of statements. */
const newCallerOfStatements = (caller: string) =>
  applyChange(ward, {
    proposer: { who: 'pat', groups: ['eng-customer'] },
    add: { ingress: [{ from: caller, to: 'service.statements', ports: [] }] },
    approvers: [{ who: 'cus2', groups: ['eng-customer'] }],
  });

/** `ward alerts` as on-call runs it, against the runtime's registry table. */
async function alerts(): Promise<AlertLine[]> {
  const run = await wardCli(['alerts', '--table', ward.registryTable(), '--format', 'json'], {
    ...process.env,
    AWS_ENDPOINT_URL_DYNAMODB: ward.runtime.dynamoDbEndpoint,
    AWS_REGION: ward.clientConfig.region,
    AWS_ACCESS_KEY_ID: ward.clientConfig.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ward.clientConfig.credentials.secretAccessKey,
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as AlertLine[];
}

/** The execution of promotion `id` once it has ended. */
function ended(id: string) {
  return eventually(
    () => ward.runtime.stateMachines.list().find((e) => e.name === id && e.status !== 'RUNNING'),
    FLOW_MS,
    `promotion ${id} to end`,
  );
}

describe('promotion failures and the stage lanes', () => {
  it('given another writer changes s102’s web ACL right after Ward applies it, then s102’s verification fails, the pipeline stops there, the failure alerts, and the bundle cannot be promoted past it', async () => {
    // Someone else (a console user, Firewall Manager) rewrites ward-public-api in s102's account
    // the moment Ward's write lands: what s102 then holds is not the bundle.
    const off = ward.runtime.waf.onWrite((write) => {
      if (write.caller.account !== FLEET_ACCOUNTS.s102 || write.kind !== 'webacl') return;
      if (write.name !== 'ward-public-api') return;
      off();
      const waf = ward.runtime.waf.operations(write.caller);
      const operation = (name: string) => {
        const found = waf[name];
        if (found === undefined) throw new Error(`the WAF stand-in has no ${name}`);
        return found;
      };
      const key = { Name: write.name, Scope: write.scope, Id: write.id };
      const got = operation('GetWebACL')(key) as {
        WebACL: Record<string, unknown>;
        LockToken: string;
      };
      operation('UpdateWebACL')({
        ...key,
        LockToken: got.LockToken,
        DefaultAction: { Block: {} },
        Rules: got.WebACL.Rules,
        VisibilityConfig: got.WebACL.VisibilityConfig,
      });
    });
    const version = await newCallerOfStatements('service.feed');
    const records = stageRecords(ward);
    const results = await eventually(
      async () => {
        const found = await records.resultsFor(version);
        return found.some((r) => r.stage === 's102' && r.outcome === 'failed') ? found : undefined;
      },
      FLOW_MS,
      `v${version} to fail in s102`,
    );
    expect(results.map((r) => `${r.stage}:${r.outcome}`)).toEqual([
      's101:applied',
      's101:verified',
      's102:applied',
      's102:failed',
    ]);
    const failed = ward
      .auditEvents()
      .find(
        (e) =>
          e.action === 'promotion.stage.failed' &&
          (e.details as { stage?: string }).stage === 's102',
      );
    expect(JSON.stringify(failed?.details)).toMatch(/wafv2: s102: drifted .*waf\/public-api\.json/);
    expect(await records.lane('prod')).toEqual({ stage: 'prod' });
    const pipeline = JSON.parse(
      (await wardAs(ward, 'sre', ['pipeline', '--format', 'json'])).stdout,
    ) as { stages: unknown[] };
    expect(pipeline.stages).toEqual([
      { name: 's101', version, status: 'deployed' },
      { name: 's102', version: null, status: 'failed' },
      { name: 'prod', version: null, status: 'empty' },
    ]);

    const alert = await eventually(
      async () =>
        (await alerts()).find(
          (a) => a.detection === 'promotion-stage-failed' && a.summary.includes(` in s102`),
        ),
      FLOW_MS,
      'a promotion-stage-failed alert',
    );
    expect(alert).toMatchObject({ severity: 'high', count: 1, paged: false });
    expect(alert.summary).toMatch(new RegExp(`^promotion of v${version} failed in s102: wafv2`));

    // Nobody can take the bundle on to production by hand: s102 did not verify it.
    const promoted = await wardAs(ward, 'sre', ['promote', String(version), '--to', 'prod']);
    expect(promoted.code).toBe(1);
    expect(promoted.stderr).toMatch(
      /was last failed in s102; it must pass s101 and s102 before prod/,
    );
  }, 900_000);

  it('given s101 busy applying, then a promotion waits for its lock, a newer one supersedes it while it waits, and only the newer one is applied once the lock is free', async () => {
    const records = stageRecords(ward);
    // Another promotion holds s101's lock, as one still applying would.
    await records.updateLane('s101', (lane) => ({
      lane: {
        ...lane,
        applying: {
          id: 'still-applying',
          stage: 's101',
          bundle: lane.deployed ?? { version: 0, bundleSha256: '0'.repeat(64) },
          kind: 'rollback',
        },
      },
      value: undefined,
    }));

    const older = await newCallerOfStatements('service.pots');
    const queued = await eventually(
      async () => {
        const lane = await records.lane('s101');
        return lane.waiting?.request.bundle.version === older ? lane.waiting.request : undefined;
      },
      FLOW_MS,
      `v${older} to wait for the s101 lock`,
    );
    const shown = JSON.parse(
      (await wardAs(ward, 'sre', ['pipeline', '--format', 'json'])).stdout,
    ) as { pending: unknown[] };
    expect(shown.pending).toEqual(
      expect.arrayContaining([
        {
          id: 'still-applying',
          version: expect.any(Number) as number,
          stage: 's101',
          status: 'applying',
        },
        { id: queued.id, version: older, stage: 's101', status: 'queued' },
      ]),
    );

    const newer = await newCallerOfStatements('service.accounts');
    const superseded = await eventually(
      () =>
        ward
          .auditEvents()
          .find(
            (e) =>
              e.action === 'promotion.superseded' &&
              (e.details as { superseded?: string }).superseded === queued.id,
          ),
      FLOW_MS,
      `the promotion of v${older} to be superseded`,
    );
    const olderRun = await ended(queued.id);
    expect(olderRun.status).toBe('SUCCEEDED');
    expect(olderRun.history.map((h) => h.state)).toEqual(
      expect.arrayContaining(['s101: wait for the lock', 's101: superseded by a newer bundle']),
    );
    const newerId = (superseded.details as { by: string }).by;
    expect((await records.lane('s101')).waiting?.request).toMatchObject({
      id: newerId,
      bundle: { version: newer },
    });
    expect((await records.resultsFor(newer)).filter((r) => r.stage === 's101')).toEqual([]);

    // The lock is released: the newer promotion takes it on its next look and goes on.
    await records.updateLane('s101', (lane) => {
      const { applying: _released, ...rest } = lane;
      return { lane: rest, value: undefined };
    });
    await deployedIn(ward, 's101', newer);
    await heldAtGate(ward, 'prod', newer);
    const newerRun = ward.runtime.stateMachines.list().find((e) => e.name === newerId);
    expect(newerRun?.history.map((h) => h.state)).toContain('s101: wait for the lock');
    expect((await records.resultsFor(older)).map((r) => r.stage)).toEqual([]);
  }, 900_000);
});
