/* eslint-disable @typescript-eslint/require-await -- in-memory fakes of async ports: async keeps their shape, and a throw becomes a rejection as in the real adapters */
import type { AuditEvent } from '../../../lambdas/contracts/audit-event';
import {
  BreakGlassRuntimeConfigSchema,
  type BreakGlassSettingsInput,
} from '../../../lambdas/contracts/break-glass';
import type { DrillRecord, GrantRecord } from '../../../lambdas/core/break-glass/drill';
import type { Grant } from '../../../lambdas/core/break-glass/grant';
import type {
  BreakGlassDependencies,
  DnsFirewallAllow,
  RoleAssumption,
} from '../../../lambdas/core/break-glass/ports';
import { WafIpSetMissingError } from '../../../lambdas/core/break-glass/ports';

export const T0 = new Date('2026-11-25T09:00:00.000Z');

export function runtimeConfig(settings: BreakGlassSettingsInput = {}) {
  return BreakGlassRuntimeConfigSchema.parse({
    stage: 's101',
    settings: {
      secondPerson: { targets: ['service.ledger'], withinMinutes: 10 },
      emergencyRoles: {
        'ssm-admin': {
          description: 'SSM sessions',
          actions: ['ssm:StartSession'],
          maxSessionSeconds: 3600,
        },
      },
      dnsFirewall: {
        workloadGroups: {
          'vm-settlement': { vpcIds: ['vpc-0a11c0de5e7713a01', 'vpc-0a11c0de5e7713a02'] },
        },
      },
      ...settings,
    },
    identity: {
      issuer: 'https://idp',
      audience: 'ward-s101',
      groupsClaim: 'groups',
      mfaMethods: ['mfa'],
    },
    invokerRoleName: 'ward-break-glass-invoker-s101',
    emergencyRoleArns: {
      'ssm-admin': 'arn:aws:iam::111122223333:role/ward-emergency-ssm-admin-s101',
    },
    dnsFirewallTarget: {
      roleArn: 'arn:aws:iam::222222222222:role/ward-break-glass-apply',
      region: 'eu-west-2',
    },
  });
}

/**
 * In-memory stand-ins for the ports, each call logged in order, so tests see what happened
 * and when; `fail` makes one port throw, as a down service would.
 */
export function fakeDependencies(settings: BreakGlassSettingsInput = {}) {
  const calls: string[] = [];
  const records = new Map<string, GrantRecord>();
  const roles: RoleAssumption[] = [];
  const spool: AuditEvent[] = [];
  const bus: AuditEvent[] = [];
  let numbered = 0;
  const pages: { subject: string; message: string }[] = [];
  const overlay = new Map<string, unknown>();
  /** The stage's DNS Firewall allows by name, as the target would hold them. */
  const dnsFirewall = new Map<string, DnsFirewallAllow>();
  const schedules = new Map<string, { when: Date; payload: Record<string, unknown> }>();
  /** The fleet account's break-glass IP sets by name; `public-api`'s exist, as promotion made them. */
  const wafIpSets = new Map<string, { addresses: string[]; tags: Record<string, string> }>(
    ['ward-bg-public-api-v4', 'ward-bg-public-api-v6'].map((name) => [
      name,
      { addresses: [], tags: { 'ward:owner': 'break-glass' } },
    ]),
  );
  const drills: DrillRecord[] = [];
  const fail = new Set<string>();
  let now = T0;
  let ids = 0;
  const step = (name: string) => {
    calls.push(name);
    if (fail.has(name.split(':')[0] ?? '')) throw new Error(`${name} is down`);
  };
  const deps: BreakGlassDependencies = {
    config: runtimeConfig(settings),
    pager: {
      page: async (subject, message) => {
        step('page');
        pages.push({ subject, message });
        return { messageId: `m${pages.length}` };
      },
    },
    grants: {
      create: async (record) => {
        step('record');
        if (records.has(record.grant.id)) throw new Error('exists');
        records.set(record.grant.id, record);
      },
      get: async (id) => records.get(id),
      replaceGrant: async (grant: Grant, expected) => {
        step('record:replace');
        const stored = records.get(grant.id);
        if (stored === undefined || stored.grant.status !== expected) return false;
        records.set(grant.id, { ...stored, grant });
        return true;
      },
      addEvents: async (id, events) => {
        const stored = records.get(id);
        if (stored !== undefined)
          records.set(id, { ...stored, events: [...stored.events, ...events] });
      },
      setPageReceived: async (id, at) => {
        const stored = records.get(id);
        if (stored !== undefined) records.set(id, { ...stored, pageReceivedAt: at });
      },
      recordRole: async (assumption) => {
        step('record');
        roles.push(assumption);
      },
      active: async () => [...records.values()].filter((r) => r.grant.status === 'active'),
    },
    spool: {
      put: async (events) => {
        step('spool');
        spool.push(...events);
      },
      pending: async () => [...spool],
      remove: async (removed) => {
        for (const id of removed)
          spool.splice(
            spool.findIndex((e) => e.id === id),
            1,
          );
      },
    },
    drills: {
      record: async (drill) => void drills.push(drill),
      lastPassed: async (stage) => drills.filter((d) => d.stage === stage && d.passed).at(-1),
    },
    overlay: {
      write: async (grant, document) => {
        step('overlay');
        overlay.set(grant.id, document);
      },
      remove: async (grant) => {
        step('overlay:remove');
        overlay.delete(grant.id);
      },
      read: async () => [...overlay.values()],
    },
    dnsFirewall: {
      allow: async (request) => {
        step('dns');
        dnsFirewall.set(request.name, request);
      },
      remove: async (_stage, name) => {
        step('dns:remove');
        dnsFirewall.delete(name);
      },
      list: async (stage) =>
        [...dnsFirewall.values()]
          .filter((a) => a.stage === stage)
          .map((a) => ({ name: a.name, expiresAt: a.expiresAt })),
    },
    waf: {
      modify: async (_session, name, decide) => {
        step('waf');
        const set = wafIpSets.get(name);
        if (set === undefined) throw new WafIpSetMissingError(`no IP set ${name}`);
        const change = await decide({ name, addresses: [...set.addresses], tags: { ...set.tags } });
        if (change === undefined) return;
        Object.assign(set.tags, change.tag ?? {});
        if (change.addresses !== undefined) set.addresses = [...change.addresses];
        for (const key of change.untag ?? []) delete set.tags[key];
      },
      list: async () => [...wafIpSets.keys()],
    },
    scheduler: {
      at: async (name, when, payload) => {
        step(`schedule:${name}`);
        if (!schedules.has(name)) schedules.set(name, { when, payload });
      },
      cancel: async (name) => {
        step(`unschedule:${name}`);
        schedules.delete(name);
      },
    },
    audit: {
      number: (events) =>
        events.map((e) =>
          e.sequence ? e : { ...e, sequence: { producer: 'bg-test', number: (numbered += 1) } },
        ),
      publish: async (events) => {
        step('bus');
        bus.push(...events);
      },
    },
    roles: {
      assume: async (input) => {
        step('sts');
        return {
          accessKeyId: 'ASIAEXAMPLE',
          secretAccessKey: 's',
          sessionToken: 't',
          expiration: new Date(now.getTime() + input.durationSeconds * 1000).toISOString(),
          assumedRoleArn: `arn:aws:sts::111122223333:assumed-role/r/${input.sessionName}`,
        };
      },
    },
    receipts: {
      find: async (grantId) =>
        pages.some((p) => p.message.includes(grantId)) ? now.toISOString() : undefined,
    },
    log: { warn: () => undefined, info: () => undefined },
    now: () => now,
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  };
  return {
    deps,
    calls,
    records,
    roles,
    spool,
    bus,
    pages,
    overlay,
    dnsFirewall,
    wafIpSets,
    schedules,
    drills,
    fail,
    advance: (seconds: number) => {
      now = new Date(now.getTime() + seconds * 1000);
    },
  };
}

export const ALICE = { principal: 'alice@bank.example', mfa: true } as const;
export const BOB = { principal: 'bob@bank.example', mfa: true } as const;
