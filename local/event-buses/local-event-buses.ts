import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../aws-endpoint/aws-errors';
import { flattenEvent, type EventFields } from '../eventbridge/event-fields';
import { matchesEventFields, type EventPattern } from '../eventbridge/event-pattern';
import { transformInput, type InputTransformer } from './input-transformer';
import { readJsonPath } from './json-path';

export interface RuleTarget {
  readonly id: string;
  readonly arn: string;
  readonly input?: string;
  readonly inputPath?: string;
  readonly inputTransformer?: InputTransformer;
  readonly deadLetterArn?: string;
  readonly sqsMessageGroupId?: string;
}

export interface RuleConfig {
  readonly name: string;
  readonly arn: string;
  readonly busName: string;
  readonly pattern: EventPattern;
  readonly enabled: boolean;
  readonly targets: readonly RuleTarget[];
}

export interface PutEventsEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
  readonly Resources?: readonly string[];
  readonly Time?: string | Date;
}

export interface DeliveryRecord {
  readonly rule: string;
  readonly target: string;
  readonly ok: boolean;
  readonly error?: string;
  readonly deadLettered?: boolean;
}

/** One event as it went over a bus, and where it went. */
export interface BusEventRecord {
  readonly bus: string;
  readonly event: Readonly<Record<string, unknown>>;
  readonly deliveries: DeliveryRecord[];
}

/** How targets are reached: the runtime's functions, state machines, topics and queues. */
export interface TargetDelivery {
  deliver(target: RuleTarget, input: string): Promise<void>;
  deadLetter(queueArn: string, body: string, attributes: Record<string, string>): void;
}

const MAX_ENTRY_BYTES = 256 * 1024;

/**
 * The custom buses and rules of the stack: PutEvents validates each entry as EventBridge does,
 * matches it against the bus's enabled rules with the same matcher `ward local test-pattern`
 * uses, and delivers it to each target (after InputPath, Input or an input transformer).
 * A delivery that fails goes to the target's dead-letter queue with EventBridge's attributes.
 */
export class LocalEventBuses {
  private readonly rules: RuleConfig[];
  private readonly log: BusEventRecord[] = [];
  private readonly listeners = new Set<(record: BusEventRecord) => void>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    readonly buses: readonly { readonly name: string; readonly arn: string }[],
    rules: readonly RuleConfig[],
    private readonly targets: TargetDelivery,
    private readonly env: { readonly region: string; readonly accountId: string },
  ) {
    this.rules = [...rules];
  }

  /**
   * EventBridge's EnableRule/DisableRule: a disabled rule routes nothing until enabled again.
   * Throws for a rule the template does not have, as AWS answers ResourceNotFoundException.
   */
  setRuleEnabled(name: string, enabled: boolean): void {
    const index = this.rules.findIndex((rule) => rule.name === name);
    const rule = this.rules[index];
    if (rule === undefined) throw new Error(`Rule ${name} does not exist.`);
    this.rules[index] = { ...rule, enabled };
  }

  /** The rules' names and whether each is enabled. */
  ruleStates(): { name: string; enabled: boolean }[] {
    return this.rules.map((rule) => ({ name: rule.name, enabled: rule.enabled }));
  }

  putEvents(entries: readonly PutEventsEntry[]): {
    Entries: ({ EventId: string } | { ErrorCode: string; ErrorMessage: string })[];
    FailedEntryCount: number;
  } {
    if (entries.length === 0 || entries.length > 10) {
      throw new AwsServiceError(
        'ValidationException',
        "1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10",
      );
    }
    const results = entries.map((entry) => {
      const checked = this.checkEntry(entry);
      if ('ErrorCode' in checked) return checked;
      const bus = this.busOf(entry.EventBusName);
      if (bus === undefined)
        return {
          ErrorCode: 'ResourceNotFoundException',
          ErrorMessage: `Event bus ${entry.EventBusName} does not exist.`,
        };
      const event = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType,
        source: entry.Source,
        account: this.env.accountId,
        time: (entry.Time === undefined ? new Date() : new Date(entry.Time))
          .toISOString()
          .replace(/\.\d{3}Z$/, 'Z'),
        region: this.env.region,
        resources: [...(entry.Resources ?? [])],
        detail: checked.detail,
      };
      this.route(bus.name, event);
      return { EventId: event.id };
    });
    return { Entries: results, FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length };
  }

  /**
   * An event an AWS service delivers to a bus (CloudTrail's "AWS API Call via CloudTrail" on
   * the default bus): routed as it arrives, with its own id, source, account and time. Only
   * AWS can do this; PutEvents refuses `aws.` sources, as EventBridge does.
   */
  deliverFromAws(busName: string, event: Readonly<Record<string, unknown>>): void {
    const bus = this.busOf(busName);
    if (bus === undefined) throw new Error(`Event bus ${busName} does not exist.`);
    if (typeof event.source !== 'string' || !event.source.startsWith('aws.'))
      throw new Error('an AWS service event has an aws.<service> source');
    this.route(bus.name, { ...event });
  }

  events(): readonly BusEventRecord[] {
    return this.log;
  }

  onEvent(listener: (record: BusEventRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves when every delivery started so far has finished; for tests and shutdown. */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private route(busName: string, event: Record<string, unknown>): void {
    const record: BusEventRecord = { bus: busName, event, deliveries: [] };
    this.log.push(record);
    // Flattened once and serialised at most once, however many rules and targets see it.
    let fields: EventFields | undefined;
    let whole: string | undefined;
    const wholeEvent = () => (whole ??= JSON.stringify(event));
    for (const rule of this.rules) {
      if (!rule.enabled || rule.busName !== busName) continue;
      fields ??= flattenEvent(event);
      if (!matchesEventFields(rule.pattern, fields)) continue;
      for (const target of rule.targets) {
        const delivery = this.deliver(rule, target, event, record, wholeEvent);
        this.pending.add(delivery);
        void delivery.finally(() => this.pending.delete(delivery));
      }
    }
    for (const listener of this.listeners) listener(record);
  }

  private async deliver(
    rule: RuleConfig,
    target: RuleTarget,
    event: Record<string, unknown>,
    record: BusEventRecord,
    wholeEvent: () => string,
  ): Promise<void> {
    // Deliveries are asynchronous in EventBridge: PutEvents answers before any target runs.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      await this.targets.deliver(target, this.inputFor(rule, target, event, wholeEvent));
      record.deliveries.push({ rule: rule.name, target: target.arn, ok: true });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = error instanceof AwsServiceError ? error.code : 'SDK_CLIENT_ERROR';
      if (target.deadLetterArn !== undefined) {
        this.targets.deadLetter(target.deadLetterArn, wholeEvent(), {
          RULE_ARN: rule.arn,
          TARGET_ARN: target.arn,
          ERROR_CODE: code,
          ERROR_MESSAGE: message,
        });
      }
      record.deliveries.push({
        rule: rule.name,
        target: target.arn,
        ok: false,
        error: message,
        deadLettered: target.deadLetterArn !== undefined,
      });
    }
  }

  private inputFor(
    rule: RuleConfig,
    target: RuleTarget,
    event: Record<string, unknown>,
    wholeEvent: () => string,
  ): string {
    if (target.input !== undefined) return target.input;
    if (target.inputPath !== undefined)
      return JSON.stringify(readJsonPath(event, target.inputPath) ?? null);
    if (target.inputTransformer !== undefined)
      return transformInput(target.inputTransformer, event, rule);
    return wholeEvent();
  }

  private busOf(reference: string | undefined) {
    const name = reference ?? 'default';
    return this.buses.find((bus) => bus.name === name || bus.arn === name);
  }

  /** The entry's parsed detail, or the error PutEvents answers for it. */
  private checkEntry(
    entry: PutEventsEntry,
  ): { ErrorCode: string; ErrorMessage: string } | { detail: Record<string, unknown> } {
    if (!entry.Source)
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.',
      };
    if (entry.Source.startsWith('aws.'))
      return {
        ErrorCode: 'NotAuthorizedForSourceException',
        ErrorMessage: 'Not authorized for the source.',
      };
    if (!entry.DetailType)
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage:
          'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      };
    if (entry.Detail === undefined)
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.',
      };
    if (entrySize(entry) > MAX_ENTRY_BYTES)
      return {
        ErrorCode: 'InvalidArgument',
        ErrorMessage: 'Total size of the entries in the request is over the limit.',
      };
    try {
      const detail = JSON.parse(entry.Detail) as unknown;
      if (detail === null || typeof detail !== 'object' || Array.isArray(detail))
        throw new Error('not an object');
      return { detail: detail as Record<string, unknown> };
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
  }
}

/**
 * An entry's size as EventBridge counts it: 14 bytes for a Time, and the UTF-8 bytes of the
 * Source, DetailType, Detail and each resource.
 */
function entrySize(entry: PutEventsEntry): number {
  return (
    (entry.Time === undefined ? 0 : 14) +
    [entry.Source, entry.DetailType, entry.Detail, ...(entry.Resources ?? [])].reduce(
      (total, text) => total + (text === undefined ? 0 : Buffer.byteLength(text)),
      0,
    )
  );
}
