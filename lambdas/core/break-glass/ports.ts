import type { AuditEvent } from '../../contracts/audit-event';
import type { BreakGlassRuntimeConfig } from '../../contracts/break-glass';
import type { DrillRecord, EventNote, GrantRecord } from './drill';
import type { Grant } from './grant';
import type { OverlayDocument } from './overlay';

/**
 * What break glass needs from the world, and nothing of the normal path: no approval API,
 * workflow or registry table. The audit bus appears only behind `AuditEmitter`, whose failure
 * spools instead of failing the grant.
 */

/** Publishes straight to the page topic. */
export interface Pager {
  page(subject: string, message: string): Promise<{ messageId: string }>;
}

/** The function's own small table. */
export interface GrantStore {
  /** Stores a new record; refuses an id that exists. */
  create(record: GrantRecord): Promise<void>;
  get(id: string): Promise<GrantRecord | undefined>;
  /** Replaces the grant if its stored status is still `expectedStatus`; false when it was not. */
  replaceGrant(grant: Grant, expectedStatus: Grant['status']): Promise<boolean>;
  addEvents(id: string, events: readonly EventNote[]): Promise<void>;
  setPageReceived(id: string, at: string): Promise<void>;
  /** Records an emergency role handed out (no grant to end: the credentials expire by themselves). */
  recordRole(assumption: RoleAssumption): Promise<void>;
  /** Every grant still marked active (live or not: the caller judges with the clock). */
  active(): Promise<GrantRecord[]>;
}

/** Audit events the bus did not take, kept until it does. */
export interface EventSpool {
  put(events: readonly AuditEvent[]): Promise<void>;
  pending(): Promise<AuditEvent[]>;
  remove(ids: readonly string[]): Promise<void>;
}

export interface DrillStore {
  record(drill: DrillRecord): Promise<void>;
  lastPassed(stage: string): Promise<DrillRecord | undefined>;
}

/** The stage's promotion targets, as far as break glass writes them. */
export interface OverlayTarget {
  write(grant: Grant, document: OverlayDocument): Promise<void>;
  remove(grant: Grant): Promise<void>;
  /** Every overlay document of the stage, as stored (expired ones included: readers judge). */
  read(stage: string): Promise<unknown[]>;
}

/** One grant's allow, as the DNS Firewall target writes it. */
export interface DnsFirewallAllow {
  readonly grantId: string;
  readonly stage: string;
  /** The domain list's and the rule group's name (`ward-bg-<grant id>`). */
  readonly name: string;
  /** DNS Firewall's form of the egress host: `api.stripe.com` or `*.stripe.com`. */
  readonly domain: string;
  readonly vpcIds: readonly string[];
  /** The lowest association priority break glass may use; the target takes the first free one. */
  readonly priority: number;
  /** Written into every resource's `ward:expires-at` tag. */
  readonly expiresAt: string;
}

/** A set of break-glass DNS Firewall resources (a domain list, a rule group) found in the stage. */
export interface DnsFirewallAllowResources {
  readonly name: string;
  /** From the `ward:expires-at` tag; undefined when missing or not a time (fail closed: expired). */
  readonly expiresAt?: string;
}

/**
 * The stage's Route 53 Resolver DNS Firewall, as far as break glass writes it: per grant a
 * domain list with the host, a rule group allowing it, associated with each VPC of the
 * workload group; each tagged with its owner, stage and expiry.
 */
export interface DnsFirewallAllowTarget {
  /** Creates the list, the rule group with its ALLOW rule, and one association per VPC. */
  allow(request: DnsFirewallAllow): Promise<void>;
  /** Removes associations, rule group and domain list named `name`; what is gone already is fine. */
  remove(stage: string, name: string): Promise<void>;
  /** Every break-glass resource set of the stage (by its stage tag), expired or not. */
  list(stage: string): Promise<DnsFirewallAllowResources[]>;
}

/** A break-glass IP set (`ward-bg-<endpoint>-v4|v6`) as WAF holds it: addresses and tags. */
export interface WafIpSetState {
  readonly name: string;
  readonly addresses: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * What to write to a break-glass IP set: tags first, then the whole address list (under the
 * lock token read with the state it was decided from), then the tags to remove.
 */
export interface WafIpSetChange {
  readonly tag?: Readonly<Record<string, string>>;
  readonly addresses?: readonly string[];
  readonly untag?: readonly string[];
}

/** The endpoint has no such IP set: it was never promoted (promotion creates them). */
export class WafIpSetMissingError extends Error {
  override readonly name = 'WafIpSetMissingError';
}

/**
 * The stage's (REGIONAL) WAF, as far as break glass writes it: the addresses and tags of the
 * `ward-bg-` IP sets promotion created empty and every web ACL's first rule refers to. Break
 * glass never creates, deletes or references anything itself.
 */
export interface WafAllowTarget {
  /**
   * Reads the IP set with its lock token and its tags, asks `decide` what to write, writes it;
   * when another writer changed the set in between, reads again and asks again. Throws
   * {@link WafIpSetMissingError} when there is no such IP set. `session` names the fleet-role
   * session (the fleet account's CloudTrail shows it).
   */
  modify(
    session: string,
    name: string,
    decide: (state: WafIpSetState) => Promise<WafIpSetChange | undefined>,
  ): Promise<void>;
  /** The names of every break-glass IP set (`ward-bg-`) in the stage's fleet account. */
  list(session: string): Promise<string[]>;
}

/** One-time schedules that call the function back: a grant's expiry, a deadline, a retry. */
export interface CallbackScheduler {
  /** Creates the schedule; an existing one of that name is left as it is. */
  at(name: string, when: Date, payload: Record<string, unknown>): Promise<void>;
  /** Deletes it; a schedule that is gone already is fine. */
  cancel(name: string): Promise<void>;
}

export interface AuditEmitter {
  /**
   * Gives each event that has none the next number of this producer's sequence, so an event
   * spooled now keeps its place when it is delivered later (by another instance, perhaps)
   * instead of leaving a gap the archive verifier would page on.
   */
  number(events: readonly AuditEvent[]): AuditEvent[];
  /** Puts events on the bus; ones already numbered keep their numbers. */
  publish(events: readonly AuditEvent[]): Promise<void>;
}

export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string;
  readonly expiration: string;
  readonly assumedRoleArn: string;
}

export interface RoleAssumption {
  readonly id: string;
  readonly stage: string;
  readonly role: string;
  readonly roleArn: string;
  readonly principal: string;
  readonly incident: string;
  readonly reason: string;
  readonly at: string;
  readonly expiresAt: string;
  readonly durationSeconds: number;
  readonly pageMessageId: string;
  readonly events: readonly EventNote[];
}

export interface RoleIssuer {
  assume(input: {
    roleArn: string;
    sessionName: string;
    sourceIdentity: string;
    durationSeconds: number;
    sessionPolicy: string;
  }): Promise<RoleCredentials>;
}

/** Where a drill sees its page arrive (a queue subscribed to the page topic). */
export interface PageReceipts {
  /** Waits up to `waitSeconds` for a page naming `grantId`; its arrival time, or undefined. */
  find(grantId: string, waitSeconds: number): Promise<string | undefined>;
}

export interface Log {
  warn(message: string, details: Record<string, unknown>): void;
  info(message: string, details: Record<string, unknown>): void;
}

export interface BreakGlassDependencies {
  readonly config: BreakGlassRuntimeConfig;
  readonly pager: Pager;
  readonly grants: GrantStore;
  readonly spool: EventSpool;
  readonly drills: DrillStore;
  readonly overlay: OverlayTarget;
  readonly dnsFirewall: DnsFirewallAllowTarget;
  readonly waf: WafAllowTarget;
  readonly scheduler: CallbackScheduler;
  readonly audit: AuditEmitter;
  readonly roles: RoleIssuer;
  readonly receipts: PageReceipts;
  readonly log: Log;
  readonly now: () => Date;
  readonly newId: () => string;
}
