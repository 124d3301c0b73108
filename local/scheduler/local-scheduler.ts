import { AwsServiceError } from '../aws-endpoint/aws-errors';
import { textOf } from '../template/values';

/** What a schedule's target gets when the schedule fires: the target ARN and its Input. */
export type ScheduleInvoker = (targetArn: string, input: unknown) => Promise<void>;

interface Schedule {
  readonly Name: string;
  readonly GroupName: string;
  readonly Arn: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone: string;
  readonly FlexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number };
  readonly Target: { Arn: string; RoleArn: string; Input?: string };
  readonly ActionAfterCompletion: 'NONE' | 'DELETE';
  readonly State: 'ENABLED' | 'DISABLED';
  readonly Description?: string;
  readonly CreationDate: Date;
  readonly at: Date;
  fired: boolean;
}

const NAME = /^[0-9a-zA-Z-_.]{1,64}$/;
const AT = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/;
/** Node timers hold at most 2^31-1 ms (24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2_147_483_647;

const validation = (message: string) => new AwsServiceError('ValidationException', message);

/**
 * A stand-in for EventBridge Scheduler, which has no local engine: one-time `at(...)`
 * schedules in groups that exist, created, read, listed and deleted with the service's
 * exceptions (ConflictException for a name in use, ResourceNotFoundException for a missing
 * schedule or group, ValidationException for a bad name, expression, window or target), that
 * invoke their target Lambda with their Input at the time (UTC) and, with
 * ActionAfterCompletion DELETE, are deleted after. `stop()` holds every schedule (none fires,
 * as if the service were down) and `start()` fires what came due meanwhile. In memory.
 */
export class LocalScheduler {
  private readonly schedules = new Map<string, Schedule>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly groups: Set<string>;
  private running = true;
  /** Every firing, in order: what tests and `ward local status` read. */
  readonly fired: {
    name: string;
    group: string;
    at: string;
    targetArn: string;
    ok: boolean;
    error?: string;
  }[] = [];

  constructor(
    groups: readonly string[],
    private readonly invoke: ScheduleInvoker,
    private readonly env: { region: string; accountId: string },
    private readonly now: () => Date = () => new Date(),
  ) {
    this.groups = new Set(['default', ...groups]);
  }

  get state(): 'running' | 'stopped' {
    return this.running ? 'running' : 'stopped';
  }

  create(
    name: string,
    group: string | undefined,
    input: Record<string, unknown>,
  ): { ScheduleArn: string } {
    const groupName = this.group(group);
    checkName(name);
    const key = `${groupName}/${name}`;
    if (this.schedules.has(key))
      throw new AwsServiceError('ConflictException', `Schedule ${name} already exists.`, 409);
    const expression = textOf(input.ScheduleExpression ?? '');
    const timezone = textOf(input.ScheduleExpressionTimezone ?? 'UTC');
    if (timezone !== 'UTC' && timezone !== 'Etc/UTC')
      throw validation(`The local scheduler evaluates at() in UTC only, not ${timezone}.`);
    const at = parseAt(expression);
    const window = input.FlexibleTimeWindow as Schedule['FlexibleTimeWindow'] | undefined;
    if (window === undefined || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE'))
      throw validation(
        "1 validation error detected: Value at 'flexibleTimeWindow.mode' failed to satisfy constraint: Member must satisfy enum value set: [OFF, FLEXIBLE]",
      );
    if (
      window.Mode === 'FLEXIBLE' &&
      !(Number(window.MaximumWindowInMinutes) >= 1 && Number(window.MaximumWindowInMinutes) <= 1440)
    )
      throw validation(
        'MaximumWindowInMinutes must be between 1 and 1440 when the mode is FLEXIBLE.',
      );
    const target = input.Target as Partial<Schedule['Target']> | undefined;
    if (typeof target?.Arn !== 'string' || target.Arn === '')
      throw validation(
        "1 validation error detected: Value null at 'target.arn' failed to satisfy constraint: Member must not be null",
      );
    if (
      typeof target.RoleArn !== 'string' ||
      !/^arn:aws[a-z-]*:iam::\d{12}:role\/.+/.test(target.RoleArn)
    )
      throw validation(
        'Target.RoleArn must be the ARN of an IAM role EventBridge Scheduler assumes.',
      );
    if (target.Input !== undefined && typeof target.Input !== 'string')
      throw validation('Target.Input must be a string.');
    const after = input.ActionAfterCompletion ?? 'NONE';
    if (after !== 'NONE' && after !== 'DELETE')
      throw validation(
        "1 validation error detected: Value at 'actionAfterCompletion' failed to satisfy constraint: Member must satisfy enum value set: [NONE, DELETE]",
      );
    const state = input.State ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED')
      throw validation('State must be ENABLED or DISABLED.');
    const schedule: Schedule = {
      Name: name,
      GroupName: groupName,
      Arn: `arn:aws:scheduler:${this.env.region}:${this.env.accountId}:schedule/${groupName}/${name}`,
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: timezone,
      FlexibleTimeWindow: window,
      Target: {
        Arn: target.Arn,
        RoleArn: target.RoleArn,
        ...(target.Input !== undefined ? { Input: target.Input } : {}),
      },
      ActionAfterCompletion: after,
      State: state,
      ...(typeof input.Description === 'string' ? { Description: input.Description } : {}),
      CreationDate: this.now(),
      at,
      fired: false,
    };
    this.schedules.set(key, schedule);
    this.arm(key);
    return { ScheduleArn: schedule.Arn };
  }

  get(name: string, group: string | undefined): Record<string, unknown> {
    const schedule = this.find(name, group);
    const { at: _at, fired: _fired, CreationDate, ...visible } = schedule;
    return {
      ...visible,
      CreationDate: CreationDate.getTime() / 1000,
      LastModificationDate: CreationDate.getTime() / 1000,
    };
  }

  list(group: string | undefined, prefix: string | undefined): Record<string, unknown>[] {
    return [...this.schedules.values()]
      .filter(
        (s) =>
          (group === undefined || s.GroupName === group) &&
          (prefix === undefined || s.Name.startsWith(prefix)),
      )
      .map((s) => ({
        Name: s.Name,
        GroupName: s.GroupName,
        Arn: s.Arn,
        State: s.State,
        Target: { Arn: s.Target.Arn },
      }));
  }

  delete(name: string, group: string | undefined): void {
    const schedule = this.find(name, group);
    const key = `${schedule.GroupName}/${schedule.Name}`;
    this.schedules.delete(key);
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  /** Holds every schedule: nothing fires until `start()`. */
  stop(): void {
    this.running = false;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Fires what came due while stopped, and arms the rest. */
  start(): void {
    if (this.running) return;
    this.running = true;
    for (const key of this.schedules.keys()) this.arm(key);
  }

  private arm(key: string): void {
    const schedule = this.schedules.get(key);
    if (!this.running || schedule === undefined || schedule.fired || schedule.State !== 'ENABLED')
      return;
    clearTimeout(this.timers.get(key));
    const wait = Math.max(0, schedule.at.getTime() - this.now().getTime());
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        if (wait > MAX_TIMER_MS) this.arm(key);
        else void this.fire(key);
      },
      Math.min(wait, MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.set(key, timer);
  }

  private async fire(key: string): Promise<void> {
    const schedule = this.schedules.get(key);
    if (schedule === undefined || !this.running) return;
    schedule.fired = true;
    if (schedule.ActionAfterCompletion === 'DELETE') this.schedules.delete(key);
    const record = {
      name: schedule.Name,
      group: schedule.GroupName,
      at: this.now().toISOString(),
      targetArn: schedule.Target.Arn,
    };
    try {
      await this.invoke(
        schedule.Target.Arn,
        schedule.Target.Input === undefined ? {} : JSON.parse(schedule.Target.Input),
      );
      this.fired.push({ ...record, ok: true });
    } catch (error) {
      this.fired.push({
        ...record,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private group(name: string | undefined): string {
    const group = name ?? 'default';
    if (!this.groups.has(group))
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Schedule group ${group} does not exist.`,
        404,
      );
    return group;
  }

  private find(name: string, group: string | undefined): Schedule {
    const groupName = this.group(group);
    const schedule = this.schedules.get(`${groupName}/${name}`);
    if (schedule === undefined)
      throw new AwsServiceError(
        'ResourceNotFoundException',
        `Schedule ${name} does not exist.`,
        404,
      );
    return schedule;
  }
}

function checkName(name: string): void {
  if (!NAME.test(name))
    throw validation(
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [0-9a-zA-Z-_.]+`,
    );
}

/** `at(yyyy-mm-ddThh:mm:ss)`, a real date and time (UTC); rate() and cron() are not run locally. */
function parseAt(expression: string): Date {
  const match = AT.exec(expression);
  if (match === null)
    throw validation(
      /^(rate|cron)\(/.test(expression)
        ? `The local scheduler runs one-time at() schedules only, not ${expression}.`
        : `Invalid Schedule Expression ${expression}.`,
    );
  const [, y, mo, d, h, mi, s] = match.map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const at = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    throw validation(`Invalid Schedule Expression ${expression}.`);
  return at;
}
