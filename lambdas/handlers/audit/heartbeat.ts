import { randomUUID } from 'node:crypto';
import { HEARTBEAT } from '../../contracts/audit-ingest';
import { ingest } from './ingest-context';

/**
 * Ward's heartbeat, on a schedule: one event on the audit bus, which the detector counts as
 * Ward's own. When nobody uses Ward its events stop, and the silence alarm on them would
 * page; the heartbeat keeps them flowing while the bus, its rule and the detector work, so
 * silence then means the pipeline broke.
 */
export async function handler(): Promise<void> {
  const now = new Date();
  await ingest.audit().publish([
    {
      id: randomUUID(),
      time: now.toISOString(),
      source: HEARTBEAT.source,
      action: HEARTBEAT.action,
      actor: { principal: 'ward', kind: 'service', mfa: false },
      target: { type: 'audit-pipeline', id: 'heartbeat' },
      outcome: 'success',
      details: {},
      correlationId: `heartbeat-${now.toISOString()}`,
    },
  ]);
}
