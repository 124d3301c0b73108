import type { Alert } from '../../contracts/audit-alerts';
import type { AlertDecision, Topic } from './alerts';

/**
 * A message committed with its alert but not yet published. It is published after the commit
 * by whichever invocation holds the alert's publish lease, and removed once published.
 */
export interface OutboxMessage {
  readonly topic: Topic;
  /** What will be published: refreshed with every later commit, so the latest count goes out. */
  readonly alert: Alert;
  /**
   * The revision of the commit that queued it. A message queued again later (an escalation
   * while the first was being published) is a new message: publishing the older one does not
   * settle it.
   */
  readonly queuedAt: number;
}

/** Who is publishing an alert's outbox, and until when the others leave it to them. */
export interface PublishLease {
  readonly owner: string;
  readonly untilMs: number;
}

const keyOf = (message: Pick<OutboxMessage, 'topic'> & { alert: Pick<Alert, 'id'> }) =>
  `${message.alert.id}/${message.topic}`;

/**
 * The outbox after committing `decision` at `revision`: messages of the same alert carry its
 * new content, the decision's topics are queued (replacing an unpublished message to the same
 * topic, so one message goes out), and messages of an earlier alert under the same dedup key
 * stay until published, so a closed window never loses a page.
 */
export function queueMessages(
  outbox: readonly OutboxMessage[],
  decision: Pick<AlertDecision, 'topics'> & { readonly alert: Alert },
  revision: number,
): OutboxMessage[] {
  const messages = new Map(
    outbox.map((message) => [
      keyOf(message),
      message.alert.id === decision.alert.id ? { ...message, alert: decision.alert } : message,
    ]),
  );
  for (const topic of decision.topics)
    messages.set(keyOf({ topic, alert: decision.alert }), {
      topic,
      alert: decision.alert,
      queuedAt: revision,
    });
  return [...messages.values()];
}

/** The outbox without the messages that were published (same alert, topic and queuing). */
export function settleMessages(
  outbox: readonly OutboxMessage[],
  published: readonly OutboxMessage[],
): OutboxMessage[] {
  const done = new Set(published.map((m) => `${keyOf(m)}@${m.queuedAt}`));
  return outbox.filter((m) => !done.has(`${keyOf(m)}@${m.queuedAt}`));
}

/**
 * Whether `owner` may take the publish lease now: nobody holds it, it is theirs, or the
 * holder's lease ran out (a publisher that crashed or timed out), so the messages are retried.
 */
export function mayClaim(lease: PublishLease | undefined, owner: string, nowMs: number): boolean {
  return lease === undefined || lease.owner === owner || lease.untilMs <= nowMs;
}
