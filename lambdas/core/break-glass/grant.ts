import type { BreakGlassSettings } from '../../contracts/break-glass';
import { defaultNamespace } from '../fleet/fleet-files';
import { egressHostProblem, namespaceProblem, serviceNameProblem } from '../model/names';

/**
 * A break-glass grant: emergency access that skipped approval. Its expiry travels inside it,
 * so whatever reads it (the overlay compiler, the overlay reader, `list`) can drop it once
 * expired without asking anyone: a failure of the scheduler or the function can only remove
 * access, never keep it.
 */

export interface Workload {
  readonly service: string;
  readonly namespace: string;
}

export type GrantTarget =
  | {
      readonly kind: 'network';
      readonly from: Workload;
      readonly to: Workload;
      readonly port?: number;
    }
  | {
      readonly kind: 'egress';
      readonly from: Workload;
      readonly host: string;
      readonly port: number;
    }
  | {
      /** Inbound: a source CIDR let through a public endpoint's WAF (its break-glass IP set). */
      readonly kind: 'inbound';
      /** Canonical (`203.0.113.0/24`, `2001:db8::/48`). */
      readonly cidr: string;
      readonly endpoint: string;
    };

/** Who acted, as their verified token said. */
export interface BreakGlassActor {
  readonly principal: string;
  readonly mfa: boolean;
}

export interface Confirmation {
  /** The deadline: unconfirmed by then, the grant is revoked (and readers drop it at once). */
  readonly by: string;
  readonly confirmedBy?: string;
  readonly confirmedAt?: string;
}

export type GrantStatus = 'active' | 'revoked' | 'expired';

/** What a grant for a workload group outside Kubernetes writes to the stage's DNS Firewall. */
export interface GrantDnsFirewall {
  readonly workloadGroup: string;
  readonly vpcIds: readonly string[];
  /** Its domain list and rule group are both named so (`ward-bg-<grant id>`). */
  readonly name: string;
}

export interface Grant {
  readonly id: string;
  readonly stage: string;
  readonly target: GrantTarget;
  readonly grantedBy: BreakGlassActor;
  readonly incident: string;
  readonly reason: string;
  readonly grantedAt: string;
  readonly expiresAt: string;
  readonly durationSeconds: number;
  readonly confirmation?: Confirmation;
  /** Set when the grant also allows its egress host in a workload group's DNS Firewall. */
  readonly dnsFirewall?: GrantDnsFirewall;
  /** A drill's grant: the whole path exercised on purpose. */
  readonly drill: boolean;
  readonly status: GrantStatus;
  readonly endedAt?: string;
  readonly endedBy?: string;
  readonly endReason?: string;
}

/** Why a break-glass request was refused: each names what was wrong. */
export type RefusalCode =
  | 'invalid-token'
  | 'not-break-glass-principal'
  | 'mfa-required'
  | 'incident-required'
  | 'reason-required'
  | 'duration-too-long'
  | 'duration-too-short'
  | 'invalid-target'
  | 'unknown-role'
  | 'unknown-workload-group'
  | 'not-found'
  | 'not-active'
  | 'own-grant'
  | 'confirmation-not-required';

export class BreakGlassRefusedError extends Error {
  override readonly name = 'BreakGlassRefusedError';
  constructor(
    readonly code: RefusalCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A grant could not be written to one of its targets: it was not given (whatever had been
 * written was removed, the record marked revoked, security paged). Not a refusal: the
 * request was fine, the world was not.
 */
export class BreakGlassGrantFailedError extends Error {
  override readonly name = 'BreakGlassGrantFailedError';
  constructor(
    readonly grantId: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const refuse = (code: RefusalCode, message: string) => new BreakGlassRefusedError(code, message);

/** `INC-123`, `SEC-2026-0042`: a ticket reference, so the grant can be traced to its incident. */
const INCIDENT = /^[A-Z][A-Z0-9]{1,15}-[0-9][0-9A-Z-]{0,31}$/;
const REASON_MAX = 500;

/** What the person asked for, before validation. */
export interface GrantInput {
  readonly from?: string;
  readonly to?: string;
  readonly egress?: string;
  /** With `egress`: the workload group outside Kubernetes whose DNS Firewall allows the host. */
  readonly workloadGroup?: string;
  /** An inbound grant: the source CIDR, with `endpoint`, the public endpoint whose WAF lets it in. */
  readonly fromCidr?: string;
  readonly endpoint?: string;
  readonly fromNamespace?: string;
  readonly toNamespace?: string;
  readonly port?: number;
  readonly durationSeconds?: number;
  readonly incident?: string;
  readonly reason?: string;
  readonly drill?: boolean;
}

/** The incident reference and reason every break-glass action must carry. */
export function checkJustification(input: { incident?: string; reason?: string }): {
  incident: string;
  reason: string;
} {
  const incident = input.incident?.trim() ?? '';
  if (incident === '')
    throw refuse(
      'incident-required',
      'an incident reference is required (--incident INC-123): break glass is for incidents only',
    );
  if (!INCIDENT.test(incident))
    throw refuse(
      'incident-required',
      `"${incident}" is not an incident reference: use the ticket id, such as INC-123`,
    );
  const reason = input.reason?.trim() ?? '';
  if (reason === '')
    throw refuse('reason-required', 'a reason is required (--reason "..."): say what is broken');
  if (reason.length > REASON_MAX)
    throw refuse(
      'reason-required',
      `the reason is ${reason.length} characters; keep it under ${REASON_MAX}`,
    );
  return { incident, reason };
}

/** The duration asked for, or the default; over the configured maximum is refused, not cut. */
export function checkDuration(
  requested: number | undefined,
  settings: Pick<BreakGlassSettings, 'defaultDurationSeconds' | 'maxDurationSeconds'>,
): number {
  const duration = requested ?? settings.defaultDurationSeconds;
  if (!Number.isInteger(duration) || duration <= 0)
    throw refuse(
      'duration-too-long',
      `the duration must be a positive number of seconds, not ${duration}`,
    );
  if (duration > settings.maxDurationSeconds)
    throw refuse(
      'duration-too-long',
      `the duration ${formatDuration(duration)} is over this stage's maximum of ${formatDuration(settings.maxDurationSeconds)}; ask for less and extend with a new grant if needed`,
    );
  return duration;
}

/** The target of a grant: `from` and `to`, or `from` and `egress`, each a valid name. */
export function checkTarget(input: GrantInput): GrantTarget {
  const problems: string[] = [];
  const workload = (service: string | undefined, namespace: string | undefined, option: string) => {
    if (service === undefined || service === '') {
      problems.push(`${option} is required`);
      return undefined;
    }
    const bad = serviceNameProblem(service);
    if (bad !== undefined) problems.push(`${option}: ${bad}`);
    const ns = namespace ?? defaultNamespace(service);
    const badNs = namespaceProblem(ns);
    if (badNs !== undefined) problems.push(`${option}-namespace: ${badNs}`);
    return { service, namespace: ns };
  };
  if ((input.to === undefined) === (input.egress === undefined))
    throw refuse(
      'invalid-target',
      'give exactly one of --to SERVICE or --egress HOST, with --from SERVICE',
    );
  const from = workload(input.from, input.fromNamespace, '--from');
  if (
    input.port !== undefined &&
    (!Number.isInteger(input.port) || input.port < 1 || input.port > 65_535)
  )
    problems.push(`--port must be 1-65535, not ${input.port}`);
  let target: GrantTarget | undefined;
  if (input.to !== undefined) {
    const to = workload(input.to, input.toNamespace, '--to');
    if (from !== undefined && to !== undefined && from.service === to.service)
      problems.push('--from and --to name the same service');
    if (from !== undefined && to !== undefined)
      target = {
        kind: 'network',
        from,
        to,
        ...(input.port !== undefined ? { port: input.port } : {}),
      };
  } else {
    const [host = '', portText] = (input.egress ?? '').split(':');
    const bad = egressHostProblem(host);
    if (bad !== undefined) problems.push(`--egress: ${bad}`);
    const port = portText === undefined ? (input.port ?? 443) : Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65_535)
      problems.push(`--egress port must be 1-65535, not "${portText}"`);
    if (from !== undefined) target = { kind: 'egress', from, host, port };
  }
  if (problems.length > 0 || target === undefined)
    throw refuse('invalid-target', problems.join('; ') || 'the grant names no target');
  return target;
}

/** The name a target goes by in pages, events and `list`. */
export function describeTarget(target: GrantTarget): string {
  if (target.kind === 'inbound') return `${target.cidr} -> endpoint ${target.endpoint} (WAF)`;
  return target.kind === 'network'
    ? `${target.from.service} -> ${target.to.service}${target.port !== undefined ? `:${target.port}` : ''}`
    : `${target.from.service} -> ${target.host}:${target.port}`;
}

/** The service, host or public endpoint a grant opens: what second-person settings name. */
export function destinationOf(target: GrantTarget): string {
  if (target.kind === 'inbound') return target.endpoint;
  return target.kind === 'network' ? target.to.service : target.host;
}

export type LiveState = 'live' | 'expired' | 'revoked' | 'unconfirmed';

/**
 * Whether a grant gives access at `now`, from the grant alone: revoked or past its expiry, it
 * does not; needing a second person past the deadline without one, it does not. Anything
 * unreadable counts as not live (fail closed).
 */
export function liveState(
  grant: Pick<Grant, 'status' | 'expiresAt' | 'confirmation'>,
  now: Date,
): LiveState {
  if (grant.status === 'revoked') return 'revoked';
  if (grant.status === 'expired') return 'expired';
  const expires = Date.parse(grant.expiresAt);
  if (!Number.isFinite(expires) || now.getTime() >= expires) return 'expired';
  const confirmation = grant.confirmation;
  if (confirmation !== undefined && confirmation.confirmedBy === undefined) {
    const deadline = Date.parse(confirmation.by);
    if (!Number.isFinite(deadline) || now.getTime() >= deadline) return 'unconfirmed';
  }
  return 'live';
}

export const isLive = (grant: Pick<Grant, 'status' | 'expiresAt' | 'confirmation'>, now: Date) =>
  liveState(grant, now) === 'live';

/** `90s`, `30m`, `1h 30m`: for people. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds % 60;
  return [
    hours > 0 ? `${hours}h` : '',
    minutes > 0 ? `${minutes}m` : '',
    rest > 0 ? `${rest}s` : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
}
