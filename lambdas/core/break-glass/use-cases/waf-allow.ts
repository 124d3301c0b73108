import {
  BREAK_GLASS_WAF_TAG_PREFIX,
  breakGlassIpSetName,
  breakGlassWafTagKey,
  FLEET_BREAK_GLASS_NAME_PREFIX,
  WAF_MAX_TAGS_PER_RESOURCE,
} from '../../../contracts/break-glass';
import { isCidr, parseCidr } from '../../edge/cidr';
import { BreakGlassRefusedError, isLive, type Grant, type GrantInput } from '../grant';
import {
  WafIpSetMissingError,
  type BreakGlassDependencies,
  type WafIpSetChange,
  type WafIpSetState,
} from '../ports';

/**
 * Break glass's WAF part: an inbound grant lets a source CIDR (a partner, an on-call VPN)
 * through a public endpoint's web ACL, whatever its rate limits, geo and deny rules and
 * managed groups say. Break glass may not edit promotion's web ACLs, so every compiled web
 * ACL carries a first rule allowing two IP sets promotion creates empty
 * (`ward-bg-<endpoint>-v4`, `-v6`); break glass only adds and removes their addresses, and
 * records each grant's expiry in a tag on the set (`ward:bg:<grant id>` =
 * `<cidr> <expires-at> <stage>`), so the sweep can remove an address with nothing else to go on.
 */

/** The broadest source a grant may let in: a /16 of IPv4, a /48 of IPv6. */
export const BROADEST_ALLOWED_PREFIX = { IPV4: 16, IPV6: 48 } as const;

type InboundTarget = Extract<Grant['target'], { kind: 'inbound' }>;

/** The IP set a grant's address goes in: the endpoint's v4 or v6 break-glass set. */
export function inboundIpSetName(target: InboundTarget): string {
  return breakGlassIpSetName(target.endpoint, target.cidr.includes(':') ? 'IPV6' : 'IPV4');
}

/** What an inbound grant's audit events say of its WAF part. */
export function wafDetails(grant: Grant): Record<string, unknown> {
  const { target } = grant;
  if (target.kind !== 'inbound') return {};
  return {
    waf: { endpoint: target.endpoint, cidr: target.cidr, ipSet: inboundIpSetName(target) },
  };
}

/** Whether the request asks for an inbound (WAF) grant rather than a network or egress one. */
export const isInboundRequest = (input: GrantInput) =>
  input.fromCidr !== undefined || input.endpoint !== undefined;

/**
 * The target of an inbound grant, checked before anything happens: a CIDR no broader than
 * {@link BROADEST_ALLOWED_PREFIX}, an endpoint name WAF can carry, nothing of the other grant kinds,
 * and a stage whose fleet account is configured.
 */
export function checkInboundTarget(
  input: GrantInput,
  config: BreakGlassDependencies['config'],
): InboundTarget {
  const refuse = (message: string) => new BreakGlassRefusedError('invalid-target', message);
  const others = (
    [
      ['--from', input.from],
      ['--to', input.to],
      ['--egress', input.egress],
      ['--workload-group', input.workloadGroup],
      ['--port', input.port],
      ['--from-namespace', input.fromNamespace],
      ['--to-namespace', input.toNamespace],
    ] as const
  ).filter(([, value]) => value !== undefined);
  if (others.length > 0)
    throw refuse(
      `--from-cidr and --endpoint make an inbound grant through a WAF; ${others.map(([o]) => o).join(', ')} cannot go with them`,
    );
  const text = input.fromCidr?.trim() ?? '';
  const endpoint = input.endpoint?.trim() ?? '';
  if (text === '' || endpoint === '')
    throw refuse('an inbound grant needs both --from-cidr CIDR and --endpoint NAME');
  const broadest = `a /${BROADEST_ALLOWED_PREFIX.IPV4} of IPv4 or a /${BROADEST_ALLOWED_PREFIX.IPV6} of IPv6`;
  if (/\/0+$/.test(text))
    throw refuse(
      `--from-cidr ${text} is every address: break glass lets at most ${broadest} through a WAF`,
    );
  const cidr = parseCidr(text);
  if (!isCidr(cidr)) throw refuse(`--from-cidr: ${cidr.problem}`);
  if (cidr.prefix < BROADEST_ALLOWED_PREFIX[cidr.version])
    throw refuse(
      `--from-cidr ${cidr.text} is too broad: break glass lets at most ${broadest} through a WAF; name the source more narrowly`,
    );
  const ipSet = breakGlassIpSetName(endpoint, cidr.version);
  if (!/^[\w-]+$/.test(endpoint) || ipSet.length > 128)
    throw refuse(
      `--endpoint "${endpoint}" is not an endpoint name (letters, digits, "_" or "-", short enough for ${FLEET_BREAK_GLASS_NAME_PREFIX}<endpoint>-v4 to fit WAF's 128 characters)`,
    );
  if (config.dnsFirewallTarget === undefined)
    throw refuse(
      `${config.stage} has no WAF target for break glass (its fleet account is not configured)`,
    );
  return { kind: 'inbound', cidr: cidr.text, endpoint };
}

/** The fleet-role session a grant's writes run in: the fleet account's CloudTrail names the grant. */
const grantSession = (grant: Pick<Grant, 'id'>) => `${FLEET_BREAK_GLASS_NAME_PREFIX}${grant.id}`;

/** Thrown from a decision: the IP set has no room for another grant's tag. */
export class WafIpSetFullError extends Error {
  override readonly name = 'WafIpSetFullError';
}

/**
 * Adds the grant's CIDR to its endpoint's IP set and tags the set with its expiry. Throws what
 * the target threw (the caller undoes the grant): no such IP set, no room for the tag.
 */
export async function writeWaf(deps: BreakGlassDependencies, grant: Grant): Promise<void> {
  if (grant.target.kind !== 'inbound') return;
  const { target } = grant;
  const name = inboundIpSetName(target);
  const key = breakGlassWafTagKey(grant.id);
  await deps.waf.modify(grantSession(grant), name, (state) => {
    const count = Object.keys(state.tags).length + (key in state.tags ? 0 : 1);
    if (count > WAF_MAX_TAGS_PER_RESOURCE)
      throw new WafIpSetFullError(
        `IP set ${name} already carries ${count - 1} tags, WAF's most is ${WAF_MAX_TAGS_PER_RESOURCE} per resource: no room to record this grant's expiry; revoke another grant on ${target.endpoint} first`,
      );
    const addresses = canonical(state.addresses);
    return Promise.resolve({
      tag: { [key]: `${target.cidr} ${grant.expiresAt} ${grant.stage}` },
      // Written even when the address is there already: the write moves the lock token, so a
      // removal that read the set before this grant's tag was visible has to read again.
      addresses: addresses.includes(target.cidr) ? addresses : [...addresses, target.cidr],
    });
  });
}

/**
 * Removes the grant's tag and its address, unless another live grant holds the same CIDR. A
 * failure does not keep the grant alive: it is logged and returned as a warning, and the sweep
 * removes what belongs to no live grant. An IP set that is gone holds nothing to remove.
 */
export async function removeWaf(
  deps: BreakGlassDependencies,
  grant: Grant,
): Promise<string | undefined> {
  if (grant.target.kind !== 'inbound') return undefined;
  const { target } = grant;
  const name = inboundIpSetName(target);
  const key = breakGlassWafTagKey(grant.id);
  try {
    await deps.waf.modify(grantSession(grant), name, async (state) => {
      const held = holders(state, await liveInbound(deps), deps.config.stage, deps.now());
      held.delete(key);
      const addresses = canonical(state.addresses);
      const keep = [...held.values()].some((entry) => entry.cidr === target.cidr);
      if (!(key in state.tags) && (keep || !addresses.includes(target.cidr))) return undefined;
      return {
        ...(keep ? {} : { addresses: addresses.filter((a) => a !== target.cidr) }),
        untag: [key],
      };
    });
    return undefined;
  } catch (error) {
    if (error instanceof WafIpSetMissingError) return undefined;
    const message = `could not remove WAF allow ${target.cidr} of ${grant.id} from ${name}: ${error instanceof Error ? error.message : String(error)}; the sweep removes it`;
    deps.log.warn(message, { grantId: grant.id });
    return message;
  }
}

/**
 * The sweep's WAF part: in every break-glass IP set, removes this stage's tags whose expiry has
 * passed (or cannot be read) or whose grant is not live, and every address no remaining
 * unexpired tag holds (an address with no tag at all included), so a failed revoke, a crash
 * between writes or a stopped scheduler can only ever remove access.
 */
export async function sweepWaf(
  deps: BreakGlassDependencies,
): Promise<{ removed: number; failed: number }> {
  const session = `${FLEET_BREAK_GLASS_NAME_PREFIX}sweep-${deps.config.stage}`;
  let removed = 0;
  let failed = 0;
  for (const name of await deps.waf.list(session)) {
    try {
      let change: WafIpSetChange | undefined;
      await deps.waf.modify(session, name, async (state) => {
        // The grants are read after the set: a grant records itself before it tags the set,
        // so every tag seen here has its record visible (no race with a new grant).
        const held = holders(state, await liveInbound(deps), deps.config.stage, deps.now());
        const wanted = new Set([...held.values()].map((entry) => entry.cidr));
        const addresses = canonical(state.addresses);
        const keep = addresses.filter((a) => wanted.has(a));
        const untag = Object.keys(state.tags).filter(
          (key) =>
            key.startsWith(BREAK_GLASS_WAF_TAG_PREFIX) &&
            !held.has(key) &&
            ours(state, key, deps.config.stage),
        );
        change =
          keep.length === addresses.length && untag.length === 0
            ? undefined
            : { ...(keep.length !== addresses.length ? { addresses: keep } : {}), untag };
        return change;
      });
      if (change !== undefined) {
        removed += (change.untag?.length ?? 0) + (change.addresses !== undefined ? 1 : 0);
        deps.log.info('removed expired or orphaned break-glass WAF allows', {
          name,
          untagged: change.untag,
          addresses: change.addresses,
        });
      }
    } catch (error) {
      if (error instanceof WafIpSetMissingError) continue;
      failed += 1;
      deps.log.warn('could not sweep a break-glass IP set; the next sweep retries', {
        name,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return { removed, failed };
}

interface TagEntry {
  readonly cidr: string;
  readonly expiresAt: string;
  readonly stage: string;
}

/** A grant tag's value, or undefined when it cannot be read (fail closed: it holds nothing). */
export function parseWafTag(value: string): TagEntry | undefined {
  const [text = '', expiresAt = '', stage = '', ...rest] = value.split(' ');
  const cidr = parseCidr(text);
  if (rest.length > 0 || !isCidr(cidr) || stage === '' || !Number.isFinite(Date.parse(expiresAt)))
    return undefined;
  return { cidr: cidr.text, expiresAt, stage };
}

/** Whether the tag is this stage's to judge (an unreadable one is everyone's: it is removed). */
function ours(state: WafIpSetState, key: string, stage: string): boolean {
  const entry = parseWafTag(state.tags[key] ?? '');
  return entry === undefined || entry.stage === stage;
}

/**
 * The grant tags that still hold their address: readable, not expired, and, when this stage
 * wrote them, belonging to a live grant (another stage sharing the fleet account judges its own).
 */
function holders(
  state: WafIpSetState,
  live: ReadonlySet<string>,
  stage: string,
  now: Date,
): Map<string, TagEntry> {
  const held = new Map<string, TagEntry>();
  for (const [key, value] of Object.entries(state.tags)) {
    if (!key.startsWith(BREAK_GLASS_WAF_TAG_PREFIX)) continue;
    const entry = parseWafTag(value);
    if (entry === undefined || now.getTime() >= Date.parse(entry.expiresAt)) continue;
    if (entry.stage === stage && !live.has(key.slice(BREAK_GLASS_WAF_TAG_PREFIX.length))) continue;
    held.set(key, entry);
  }
  return held;
}

/** The ids of this stage's live inbound grants. */
async function liveInbound(deps: BreakGlassDependencies): Promise<Set<string>> {
  const now = deps.now();
  return new Set(
    (await deps.grants.active())
      .filter((r) => r.grant.target.kind === 'inbound' && isLive(r.grant, now))
      .map((r) => r.grant.id),
  );
}

/** Addresses as the compiler writes them, so `10.0.0.0/24` and a differently written one compare. */
function canonical(addresses: readonly string[]): string[] {
  return [
    ...new Set(
      addresses.map((a) => {
        const parsed = parseCidr(a);
        return isCidr(parsed) ? parsed.text : a;
      }),
    ),
  ];
}
