import { randomUUID } from 'node:crypto';
import type { RuleTarget } from './local-event-buses';
import type { LocalAssembly } from '../template/local-assembly';
import { textOf } from '../template/values';

/** A scheduled rule of the template (ScheduleExpression `rate(...)`). */
export interface ScheduleConfig {
  readonly name: string;
  readonly arn: string;
  readonly everyMs: number;
  readonly enabled: boolean;
  readonly targets: readonly RuleTarget[];
}

const UNIT_MS: Readonly<Record<string, number>> = {
  minute: 60_000,
  minutes: 60_000,
  hour: 3_600_000,
  hours: 3_600_000,
  day: 86_400_000,
  days: 86_400_000,
};

/** Scheduled rules of a template, and those it cannot run (cron expressions), with why. */
export function scheduleConfigs(assembly: LocalAssembly): {
  schedules: ScheduleConfig[];
  unsupported: string[];
} {
  const schedules: ScheduleConfig[] = [];
  const unsupported: string[] = [];
  for (const resource of assembly.ofType('AWS::Events::Rule')) {
    const p = resource.properties;
    if (p.ScheduleExpression === undefined) continue;
    const expression = textOf(p.ScheduleExpression);
    const rate = /^rate\((\d+) (minutes?|hours?|days?)\)$/.exec(expression);
    if (rate === null) {
      unsupported.push(
        `${resource.stackName}/${resource.logicalId}: ${expression} does not fire locally (only rate() schedules do)`,
      );
      continue;
    }
    schedules.push({
      name: resource.values.ref,
      arn: resource.values.attributes.Arn ?? '',
      everyMs: Number(rate[1]) * UNIT_MS[rate[2]!]!,
      enabled: (p.State ?? 'ENABLED') === 'ENABLED',
      targets: ((p.Targets ?? []) as Record<string, unknown>[]).map((t) => ({
        id: String(t.Id),
        arn: String(t.Arn),
        ...(t.Input !== undefined ? { input: textOf(t.Input) } : {}),
      })),
    });
  }
  return { schedules, unsupported };
}

/**
 * EventBridge's scheduled rules, locally: each fires its targets every `rate()` period with
 * the event AWS sends (`Scheduled Event` from `aws.events`). `fire` runs one at once, which is
 * how a person or a test makes the archive's digest writer or verifier run now.
 */
export class LocalSchedules {
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    readonly configs: readonly ScheduleConfig[],
    private readonly deliver: (target: RuleTarget, input: string) => Promise<void>,
    private readonly env: { readonly region: string; readonly accountId: string },
    private readonly log?: (line: string) => void,
  ) {}

  start(): void {
    for (const config of this.configs.filter((c) => c.enabled)) {
      const timer = setInterval(() => void this.fire(config.name).catch(() => {}), config.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  /** Delivers the rule's scheduled event to each of its targets now. */
  async fire(name: string): Promise<void> {
    const config = this.configs.find((c) => c.name === name);
    if (config === undefined)
      throw new Error(
        `no scheduled rule ${name}; the scheduled rules are ${this.configs.map((c) => c.name).join(', ') || 'none'}`,
      );
    const event = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.env.accountId,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.env.region,
      resources: [config.arn],
      detail: {},
    };
    await Promise.all(
      config.targets.map((target) =>
        this.deliver(target, target.input ?? JSON.stringify(event)).catch((error: unknown) => {
          this.log?.(
            `[schedule ${name} -> ${target.arn}] ${error instanceof Error ? error.message : String(error)}`,
          );
          throw error;
        }),
      ),
    );
  }
}
