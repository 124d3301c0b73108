import type { AuditActor, AuditEvent } from '../../contracts/audit-event';
import { REGISTRY_STREAM_SOURCE, RegistryStreamAction } from '../../contracts/audit-sources';
import {
  HEAD_ITEM_KEY,
  RULE_ENTITY_PREFIX,
  type WriterIntent,
} from '../../contracts/registry-writers';

/** One record of the registry table's stream (NEW_AND_OLD_IMAGES), images unmarshalled. */
export interface RegistryStreamRecord {
  /** The stream's own id of the record: the event id, so a redelivered batch repeats ids. */
  readonly eventId: string;
  readonly eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  readonly at: string;
  readonly keys: { readonly pk: string; readonly sk: string };
  readonly newImage?: Readonly<Record<string, unknown>>;
  readonly oldImage?: Readonly<Record<string, unknown>>;
}

/** What a change request looked like when the record was processed. */
export interface ChangeFacts {
  readonly state: string;
  readonly appliedVersion?: number;
}

/** What the producer read to judge a batch: the head, writers' intents, their changes. */
export interface RegistryFacts {
  readonly headVersion: number;
  /** Writers the head records as aborted: their items are invisible, rolling them back is maintenance. */
  readonly aborted: ReadonlySet<string>;
  readonly intents: ReadonlyMap<string, WriterIntent>;
  readonly changes: ReadonlyMap<string, ChangeFacts>;
}

/**
 * Who made a write, as far as the producer can tell. Only `approval-workflow` and
 * `registry-maintenance` are recognised; anything else, including anything the producer could
 * not make sense of, is `unrecognised`, which pages.
 */
export type RegistryWriter =
  | { readonly kind: 'approval-workflow'; readonly changeId: string; readonly txId: string }
  | { readonly kind: 'registry-maintenance'; readonly what: 'rollback' | 'garbage-collection' }
  | { readonly kind: 'unrecognised'; readonly reason: string; readonly txId?: string };

type ItemChange = 'put' | 'mark' | 'unmark' | 'edit' | 'delete';

const MARK_ATTRIBUTES = new Set(['removedIn', 'removedBy', 'gsi2pk', 'gsi2sk']);

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const integer = (value: unknown) =>
  typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;

const isHead = (record: RegistryStreamRecord) =>
  record.keys.pk === HEAD_ITEM_KEY.pk && record.keys.sk === HEAD_ITEM_KEY.sk;

/** Rule items are known by their entity, or by their key when a hand-made item lacks one. */
const isRuleItem = (record: RegistryStreamRecord) =>
  [record.newImage?.entity, record.oldImage?.entity].some(
    (entity) => typeof entity === 'string' && entity.startsWith(RULE_ENTITY_PREFIX),
  ) || /^(SVC|TEAM)#/.test(record.keys.pk);

/** The writers whose intents a batch needs (before `registryStreamEvents` can judge it). */
export function writersOf(records: readonly RegistryStreamRecord[]): string[] {
  const writers = new Set<string>();
  for (const record of records) {
    if (isHead(record)) {
      const tx = text(record.newImage?.commitTxId);
      if (tx !== undefined) writers.add(tx);
    } else if (isRuleItem(record)) {
      for (const tx of [record.newImage?.txId, record.newImage?.removedBy].map(text))
        if (tx !== undefined) writers.add(tx);
    }
  }
  return [...writers].sort();
}

/** The change requests the intents name (the second read a batch needs). */
export function changesOf(intents: ReadonlyMap<string, WriterIntent>): string[] {
  return [
    ...new Set([...intents.values()].flatMap((i) => (i.writtenFor ? [i.writtenFor.changeId] : []))),
  ].sort();
}

/**
 * The audit events of one batch of stream records: one `registry.item.written` per rule item
 * put, marked, unmarked, edited or deleted, and one `registry.ruleset.committed` per move of
 * the head, each naming its writer. Records of other items (journals, intents, change
 * requests, the audit pipeline's own) and the head's lease bookkeeping make no event.
 */
export function registryStreamEvents(
  records: readonly RegistryStreamRecord[],
  facts: RegistryFacts,
): AuditEvent[] {
  return records.flatMap((record) => {
    if (isHead(record)) return headEvent(record, facts);
    if (isRuleItem(record)) return [itemEvent(record, facts)];
    return [];
  });
}

function itemEvent(record: RegistryStreamRecord, facts: RegistryFacts): AuditEvent {
  const { newImage: after, oldImage: before } = record;
  const item = after ?? before ?? {};
  const { change, txId, version, writer } = judgeItem(record, facts);
  return envelope(record, RegistryStreamAction.itemWritten, writer, {
    target: { type: 'registry-item', id: `${record.keys.pk}/${record.keys.sk}` },
    details: {
      pk: record.keys.pk,
      sk: record.keys.sk,
      entity: text(item.entity) ?? 'unknown',
      change,
      ...(version !== undefined ? { version } : {}),
      ...(txId !== undefined ? { txId } : {}),
      ...(typeof item.rule === 'object' && item.rule !== null ? { rule: item.rule } : {}),
    },
  });
}

function judgeItem(
  record: RegistryStreamRecord,
  facts: RegistryFacts,
): { change: ItemChange; txId?: string; version?: number; writer: RegistryWriter } {
  const after = record.newImage ?? {};
  const before = record.oldImage ?? {};
  if (record.eventName === 'INSERT') {
    const txId = text(after.txId);
    const version = integer(after.addedIn);
    return { change: 'put', ...ids(txId, version), writer: attribute(txId, version, facts) };
  }
  if (record.eventName === 'REMOVE') {
    const txId = text(before.txId);
    const removedIn = integer(before.removedIn);
    const removedBy = text(before.removedBy);
    const collected =
      removedIn !== undefined &&
      removedIn <= facts.headVersion &&
      removedBy !== undefined &&
      !facts.aborted.has(removedBy);
    const writer: RegistryWriter =
      txId !== undefined && facts.aborted.has(txId)
        ? { kind: 'registry-maintenance', what: 'rollback' }
        : collected
          ? { kind: 'registry-maintenance', what: 'garbage-collection' }
          : unrecognised('a visible rule item was deleted', txId);
    return { change: 'delete', ...ids(txId, integer(before.addedIn)), writer };
  }
  const changed = new Set(
    [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
      (name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]),
    ),
  );
  if ([...changed].some((name) => !MARK_ATTRIBUTES.has(name)))
    return {
      change: 'edit',
      ...ids(text(after.txId), integer(after.addedIn)),
      writer: unrecognised(
        `the item was edited in place (${[...changed].sort().join(', ')}); the registry never does that`,
        text(after.txId),
      ),
    };
  const markedBy = text(after.removedBy);
  if (markedBy !== undefined) {
    const version = integer(after.removedIn);
    return {
      change: 'mark',
      ...ids(markedBy, version),
      writer: attribute(markedBy, version, facts),
    };
  }
  const unmarkedFrom = text(before.removedBy);
  return {
    change: 'unmark',
    ...ids(unmarkedFrom, integer(before.removedIn)),
    writer:
      unmarkedFrom !== undefined && facts.aborted.has(unmarkedFrom)
        ? { kind: 'registry-maintenance', what: 'rollback' }
        : unrecognised('a removal mark of a writer that was not aborted was cleared', unmarkedFrom),
  };
}

function headEvent(record: RegistryStreamRecord, facts: RegistryFacts): AuditEvent[] {
  const after = record.newImage;
  const before = record.oldImage ?? {};
  if (after === undefined)
    return [
      envelope(record, RegistryStreamAction.committed, unrecognised('the head item was deleted'), {
        target: { type: 'rule-set', id: 'head' },
        details: { deleted: true },
      }),
    ];
  const moved = ['version', 'rulesSha256', 'counts', 'commitTxId'].some(
    (name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]),
  );
  if (!moved) return []; // the lease taken, renewed or dropped, or writers marked aborted
  const version = integer(after.version);
  const commitTxId = text(after.commitTxId);
  const writer =
    commitTxId !== undefined && commitTxId === text(before.commitTxId)
      ? unrecognised('the head moved without a new commit (commitTxId unchanged)', commitTxId)
      : attribute(commitTxId, version, facts);
  return [
    envelope(record, RegistryStreamAction.committed, writer, {
      target: { type: 'rule-set', id: `v${version ?? '?'}` },
      details: {
        ...(version !== undefined ? { version } : {}),
        ...(commitTxId !== undefined ? { commitTxId } : {}),
        ...(text(after.rulesSha256) !== undefined ? { rulesSha256: after.rulesSha256 } : {}),
        ...(writer.kind === 'approval-workflow' ? { changeId: writer.changeId } : {}),
      },
    }),
  ];
}

/**
 * Whether writer `txId`, writing `version`, is the approval workflow applying an approved
 * change: its intent names a change request that is approved (being applied), or was applied
 * as exactly this version, and the intent's base is the version before this one. A write that
 * failed and was rolled back may have made an earlier version: an aborted writer's items are
 * invisible, so it is also recognised.
 */
function attribute(
  txId: string | undefined,
  version: number | undefined,
  facts: RegistryFacts,
): RegistryWriter {
  if (txId === undefined) return unrecognised('the item names no writer (txId)');
  const intent = facts.intents.get(txId);
  if (intent === undefined)
    return unrecognised(`writer ${txId} left no intent: not written by Ward's registry`, txId);
  if (intent.writtenFor === undefined)
    return unrecognised(
      `written by Ward's registry for no change request (an import or a script)`,
      txId,
    );
  const { changeId } = intent.writtenFor;
  const change = facts.changes.get(changeId);
  if (change === undefined) return unrecognised(`change ${changeId} does not exist`, txId);
  if (version === undefined || version !== intent.baseVersion + 1)
    return unrecognised(
      `writer ${txId} wrote version ${version ?? '?'} on base ${intent.baseVersion}`,
      txId,
    );
  const applying = change.state === 'approved';
  const appliedAsThis =
    change.state === 'applied' && (change.appliedVersion === version || facts.aborted.has(txId));
  if (!applying && !appliedAsThis)
    return unrecognised(
      `change ${changeId} is ${change.state}${change.appliedVersion !== undefined ? ` as v${change.appliedVersion}` : ''}, not approved for v${version}`,
      txId,
    );
  return { kind: 'approval-workflow', changeId, txId };
}

const unrecognised = (reason: string, txId?: string): RegistryWriter => ({
  kind: 'unrecognised',
  reason,
  ...(txId !== undefined ? { txId } : {}),
});

const ids = (txId: string | undefined, version: number | undefined) => ({
  ...(txId !== undefined ? { txId } : {}),
  ...(version !== undefined ? { version } : {}),
});

function actorOf(writer: RegistryWriter): AuditActor {
  switch (writer.kind) {
    case 'approval-workflow':
      return { principal: 'ward.approval-workflow', kind: 'service', mfa: false };
    case 'registry-maintenance':
      return { principal: 'ward.registry', kind: 'service', mfa: false };
    default:
      // The stream does not say who wrote: an unrecognised writer is nobody Ward vouches for.
      return {
        principal: `registry-writer:${writer.txId ?? 'unknown'}`,
        kind: 'anonymous',
        mfa: false,
      };
  }
}

function envelope(
  record: RegistryStreamRecord,
  action: string,
  writer: RegistryWriter,
  fields: Pick<AuditEvent, 'target' | 'details'>,
): AuditEvent {
  return {
    id: `registry-stream:${record.eventId}`,
    time: record.at,
    source: REGISTRY_STREAM_SOURCE,
    action,
    actor: actorOf(writer),
    target: fields.target,
    outcome: 'success',
    details: { ...fields.details, eventName: record.eventName, writer },
    correlationId: writer.kind === 'approval-workflow' ? writer.changeId : record.eventId,
  };
}
