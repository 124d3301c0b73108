import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import { AUDIT_EVENT_DETAIL_TYPE, type AuditEvent } from '../../../lambdas/contracts/audit-event';
import { alertTopicNames } from '../../../lambdas/contracts/audit-pipeline';
import { BreakGlassAuditAction } from '../../../lambdas/contracts/audit-sources';
import type { AlertLine } from '../../../cli/commands/alerts';
import { ward } from '../../support/cli-harness';
import { eventually } from '../../support/local-runtime';
import { useWardRuntime } from '../../support/ward-runtime';

const runtime = useWardRuntime();

/** `ward alerts` as on-call would run it, against the runtime's registry table. */
async function alerts(): Promise<AlertLine[]> {
  const run = await ward(['alerts', '--table', runtime.registryTable(), '--format', 'json'], {
    ...process.env,
    AWS_ENDPOINT_URL_DYNAMODB: runtime.runtime.dynamoDbEndpoint,
    AWS_REGION: runtime.clientConfig.region,
    AWS_ACCESS_KEY_ID: runtime.clientConfig.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: runtime.clientConfig.credentials.secretAccessKey,
  });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as AlertLine[];
}

const alertOf = (detection: string, summary: RegExp, count?: number) =>
  eventually(
    async () =>
      (await alerts()).find(
        (a) =>
          a.detection === detection &&
          summary.test(a.summary) &&
          (count === undefined || a.count === count),
      ),
    60_000,
    `a ${detection} alert matching ${summary}${count === undefined ? '' : ` counted ${count}`}`,
  );

/** A change proposed by `proposer`, and `attempts` tries by the proposer to approve it. */
async function selfApprovals(proposer: string, attempts: number, concurrency: number) {
  const token = await runtime.token(proposer, { groups: ['eng-customer', 'eng-finance'] });
  const proposed = await runtime.api('POST', '/changes', {
    token,
    body: { add: { ingress: [{ from: 'service.feed', to: 'service.pots' }] }, justification: 'x' },
  });
  expect(proposed.status).toBe(201);
  const { id, diffSha256, impactSha256 } = proposed.body as Record<string, string>;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < attempts) {
        next += 1;
        const answer = await runtime.api('POST', `/changes/${id}/approve`, {
          token,
          body: { diffSha256, impactSha256 },
        });
        expect(answer).toMatchObject({ status: 403, body: { error: 'own-change' } });
      }
    }),
  );
  return id!;
}

describe('audit alerts through the local runtime', () => {
  it('given a proposer approving their own change, then one high self-approval alert in ward alerts', async () => {
    await selfApprovals('pat1@bank.example', 1, 1);
    const alert = await alertOf('self-approval-attempt', /^pat1@bank\.example /);
    expect(alert).toMatchObject({ severity: 'high', count: 1, paged: false });
    expect(alert.events).toHaveLength(1);
  }, 120_000);

  it('given fifty self-approval attempts within the window, then one alert with a count of fifty', async () => {
    // Fifty requests through the API and fifty detector runs on two cores take a while.
    await selfApprovals('pat2@bank.example', 50, 5);
    await alertOf('self-approval-attempt', /^pat2@bank\.example /, 50);
    const mine = (await alerts()).filter(
      (a) => a.detection === 'self-approval-attempt' && a.summary.startsWith('pat2@'),
    );
    expect(mine).toHaveLength(1);
    // Fifty refusals for one person are also "repeated refusals": one alert, not forty-six.
    expect(
      (await alerts()).filter(
        (a) => a.detection === 'repeated-refusals' && a.summary.startsWith('pat2@'),
      ),
    ).toHaveLength(1);
  }, 240_000);

  it('given a break-glass event on the audit bus, then ward alerts shows it paged and the page topic has it', async () => {
    const event: AuditEvent = {
      id: randomUUID(),
      time: new Date().toISOString(),
      source: 'ward.break-glass',
      action: BreakGlassAuditAction.granted,
      actor: { principal: 'oncall@bank.example', kind: 'human', mfa: true },
      target: { type: 'service', id: 'service.ledger' },
      outcome: 'success',
      details: { reason: 'ledger down', incident: 'INC-42', expiresAt: new Date().toISOString() },
      correlationId: randomUUID(),
    };
    const events = new EventBridgeClient(runtime.clientConfig);
    const put = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            // The bus WardStack names for the stage (s101's config runs here).
            EventBusName: 'ward-audit-s101',
            Source: event.source,
            DetailType: AUDIT_EVENT_DETAIL_TYPE,
            Detail: JSON.stringify(event),
          },
        ],
      }),
    );
    expect(put.FailedEntryCount ?? 0).toBe(0);

    const alert = await alertOf('break-glass-used', /^oncall@bank\.example used break glass/);
    expect(alert).toMatchObject({ severity: 'critical', paged: true, events: [event.id] });
    // The alert is stored, then published: the page follows the stored alert by a moment.
    const pages = await eventually(
      () => {
        const published = runtime.runtime.topics
          .messages()
          .filter((m) => m.topicName === alertTopicNames('s101').page);
        return published.length > 0 ? published : undefined;
      },
      10_000,
      'the page on the page topic',
    );
    expect(pages.map((m) => (JSON.parse(m.message) as { id: string }).id)).toEqual([alert.id]);

    const text = await ward(['alerts', '--table', runtime.registryTable()], {
      ...process.env,
      AWS_ENDPOINT_URL_DYNAMODB: runtime.runtime.dynamoDbEndpoint,
    });
    expect(text.stdout).toMatch(/critical {2}PAGED break-glass-used {2}x1/);
    expect(text.stdout).toContain("ward audit search --actor 'oncall@bank.example'");
  }, 120_000);
});
