import { S3Client } from '@aws-sdk/client-s3';
import { eventsOf } from '../../../cli/audit-archive-source';
import { S3ArchiveStore } from '../../../lambdas/adapters/audit/s3-archive-store';
import type { AuditEvent } from '../../../lambdas/contracts/audit-event';
import { loadStageConfigs } from '../../../lib/config/stages';
import type { BreakGlassSettingsInput } from '../../../lambdas/contracts/break-glass';
import { alertTopicNames } from '../../../lambdas/contracts/audit-pipeline';
import { WardServicesStack } from '../../../lib/ward-services-stack';
import { WardStack } from '../../../lib/ward-stack';
import { tempDir, ward } from '../../support/cli-harness';
import { useLocalRuntime } from '../../support/local-runtime';

export const FUNCTION = 'ward-break-glass-s101';
export const PAGE_TOPIC = alertTopicNames('s101').page;

/**
 * Ward's stacks with s101's configuration on a local runtime, break glass made quick for tests
 * (a drill lasts 2 s, spooled events are retried after 2 s, a second person has 3 s), and the
 * registry left empty: break glass must not need it.
 */
export function useBreakGlassRuntime(overrides: BreakGlassSettingsInput = {}) {
  const base = loadStageConfigs().find((c) => c.stage === 's101');
  if (base === undefined) throw new Error('no s101 config');
  const config = {
    ...base,
    breakGlass: {
      ...base.breakGlass,
      drill: { periodDays: 30, durationSeconds: 2 },
      spoolRetrySeconds: 2,
      secondPerson: { targets: ['service.ledger'], withinMinutes: 0.05 },
      ...overrides,
    },
  } as typeof base;
  const handle = useLocalRuntime((app, suffix) => {
    const data = new WardStack(app, `Ward-bg-${suffix}`, { config });
    new WardServicesStack(app, `Ward-bg-${suffix}-services`, { config, data });
  });
  const cwd = tempDir('ward-break-glass-');
  const runtime = () => handle.runtime;

  const token = (principal: string, options: { groups?: string[]; mfa?: boolean } = {}) =>
    runtime().issuer.sign({
      principal,
      issuer: config.identity.issuer,
      audience: config.identity.audience,
      groups: options.groups ?? ['ward-break-glass'],
      amr: options.mfa === false ? ['pwd'] : ['pwd', 'mfa'],
      extraClaims: { identity_type: 'person' },
    });

  /** `ward break-glass ...` as a person would run it, with `as`'s token. */
  const cli = async (args: string[], as: string) =>
    ward(
      ['break-glass', ...args],
      {
        ...process.env,
        WARD_TOKEN: as,
        AWS_ENDPOINT_URL_LAMBDA: runtime().awsEndpoint,
        AWS_REGION: 'eu-west-2',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
      },
      undefined,
      cwd,
    );

  /** The function called directly, for what no command prints (the overlay as a reader sees it). */
  const invoke = async <T>(payload: Record<string, unknown>): Promise<T> => {
    const outcome = await runtime().invoke(FUNCTION, payload);
    if (!outcome.ok) throw new Error(`${outcome.error.errorType}: ${outcome.error.errorMessage}`);
    const answer = outcome.result as { ok: boolean; result: T; refused?: { message: string } };
    if (!answer.ok) throw new Error(`refused: ${answer.refused?.message}`);
    return answer.result;
  };

  const manifestsBucket = () => {
    const bucket = runtime()
      .buckets.configs()
      .find((b) => b.name.includes('-manifests-'));
    if (bucket === undefined) throw new Error('no manifests bucket');
    return bucket.name;
  };

  const admin = async (path: string, method = 'POST') => {
    const response = await fetch(`${runtime().awsEndpoint}/_ward/${path}`, { method });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return (await response.json()) as Record<string, unknown>;
  };

  /** Every event in the audit archive's main chain: what `ward audit search` reads. */
  const archivedEvents = async (): Promise<AuditEvent[]> => {
    const bucket = runtime()
      .buckets.configs()
      .find((b) => /-audit-archive-/.test(b.name));
    if (bucket === undefined) throw new Error('no audit archive bucket');
    const store = new S3ArchiveStore({
      client: new S3Client({ ...handle.clientConfig, forcePathStyle: true, maxAttempts: 1 }),
      bucket: bucket.name,
    });
    return (await store.list('batches/main/')).flatMap(eventsOf);
  };

  return {
    config,
    runtime,
    archivedEvents,
    token,
    cli,
    invoke,
    /** Stops or starts a component through the runtime's admin API, as `ward local` would. */
    stop: (name: string) => admin(`components/${encodeURIComponent(name)}/stop`),
    start: (name: string) => admin(`components/${encodeURIComponent(name)}/start`),
    components: () => admin('components', 'GET'),
    pages: () =>
      runtime()
        .topics.messages()
        .filter((m) => m.topicName === PAGE_TOPIC),
    overlayObjects: () =>
      runtime()
        .buckets.list(manifestsBucket(), 'break-glass/')
        .objects.map((o) => o.key),
    auditEvents: () =>
      runtime()
        .buses.events()
        .filter((e) => e.bus.startsWith('ward-audit'))
        .map(
          (e) => e.event.detail as { action: string; details: Record<string, unknown>; id: string },
        ),
    schedules: () => runtime().scheduler.list(undefined, undefined),
  };
}
