import { createRuleSet, type RuleSet } from '../../lambdas/core/rules/rule-set';
import { seededRandom } from './seeded-random';

export interface SyntheticFleetOptions {
  readonly services: number;
  readonly edges: number;
  readonly seed: number;
  /** Public endpoints with WAF rules, owned by the hubs. @default 0 */
  readonly edgeEndpoints?: number;
  /** VPCs of services that also run outside Kubernetes (5% of services). @default 0 */
  readonly workloadGroups?: number;
}

const DOMAINS = [
  'ledger',
  'accounts',
  'transactions',
  'payments',
  'cards',
  'pots',
  'savings',
  'lending',
  'fraud',
  'risk',
  'kyc',
  'identity',
  'auth',
  'notifications',
  'feed',
  'statements',
  'fx',
  'treasury',
  'billing',
  'support',
  'search',
  'emoji',
  'rewards',
  'pricing',
  'tax',
  'reporting',
  'compliance',
  'onboarding',
  'mortgages',
  'insurance',
  'crypto',
  'investments',
  'pensions',
  'merchant',
  'atm',
  'disputes',
  'chargebacks',
  'collections',
  'limits',
  'scoring',
];
const ROLES = [
  'api',
  'store',
  'worker',
  'events',
  'gateway',
  'scheduler',
  'reconciler',
  'projector',
  'router',
  'cache',
  'indexer',
  'exporter',
  'importer',
  'validator',
  'enricher',
  'notifier',
  'aggregator',
  'resolver',
  'matcher',
  'auditor',
  'publisher',
  'consumer',
  'planner',
  'tracker',
  'monitor',
];
const EGRESS_HOSTS = [
  'api.stripe.com',
  'api.mastercard.com',
  'api.visa.com',
  'api.sendgrid.com',
  'fcm.googleapis.com',
  'api.push.apple.com',
  'api.twilio.com',
  'api.complyadvantage.com',
  'data.fixer.io',
  'hooks.slack.com',
  '*.okta.com',
  '*.sentry.io',
  'api.onfido.com',
  'api.experian.com',
];

/**
 * A deterministic synthetic fleet for scale work. Callees are drawn from a Zipf-like
 * distribution, so a few hubs (the ledger of the fleet) are called by hundreds of services
 * and most by a handful, as in real fleets; callers are drawn uniformly. The same options
 * always give the same rule set.
 */
export function generateSyntheticFleet(options: SyntheticFleetOptions): RuleSet {
  const { services: n, edges: m } = options;
  if (!Number.isInteger(n) || n < 2)
    throw new RangeError('--services must be an integer of at least 2');
  if (!Number.isInteger(m) || m < 0 || m > n * (n - 1)) {
    throw new RangeError(`--edges must be an integer from 0 to ${n * (n - 1)} for ${n} services`);
  }
  const random = seededRandom(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

  const teamCount = Math.max(3, Math.ceil(n / 25));
  const teams = Array.from({ length: teamCount }, (_, i) => ({
    name: `team-${DOMAINS[i % DOMAINS.length]}${i >= DOMAINS.length ? `-${Math.floor(i / DOMAINS.length)}` : ''}`,
    group: `eng-team-${i}`,
  }));
  const hubs = Math.max(3, Math.round(n / 200));
  const names = serviceNames(n);
  const services = names.map((name, rank) => ({
    name,
    namespace: name.replace(/\./g, '-'),
    team: pick(teams).name,
    tier: rank < hubs || random() < 0.1 ? 'critical' : 'standard',
    isolation: random() < 0.1 ? 'observe' : 'enforced',
  }));

  // Callee rank r is chosen with weight 1/(r+1): cumulative weights for a binary search.
  const cumulative: number[] = [];
  let total = 0;
  for (let r = 0; r < n; r += 1) cumulative.push((total += 1 / (r + 1)));
  const drawCallee = () => {
    const target = random() * total;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] ?? 0) < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const edges = new Set<number>();
  const ingress: { from: string; to: string }[] = [];
  while (ingress.length < m) {
    // Hubs saturate as m approaches n(n-1); fall back to a uniform callee then.
    const to = ingress.length < m * 0.95 ? drawCallee() : Math.floor(random() * n);
    const from = Math.floor(random() * n);
    const key = from * n + to;
    if (from === to || edges.has(key)) continue;
    edges.add(key);
    ingress.push({ from: names[from] ?? '', to: names[to] ?? '' });
  }

  const egress: { service: string; host: string }[] = [];
  const grants: { service: string; path: string }[] = [];
  for (const name of names) {
    if (random() < 0.1) {
      const hosts = new Set(
        Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(EGRESS_HOSTS)),
      );
      for (const host of hosts) egress.push({ service: name, host });
    }
    if (random() < 0.05)
      grants.push({ service: name, path: `secret/data/shared/${pick(DOMAINS)}/*` });
  }
  // Drawn from a stream of their own, so the rest of a seed's fleet is the same with or without.
  const edgeRandom = seededRandom(options.seed + 1);
  const groups = options.workloadGroups ?? 0;
  const outside = groups === 0 ? [] : services.filter(() => edgeRandom() < 0.05);
  outside.forEach((service, i) => {
    (service as { workloadGroup?: string }).workloadGroup = `vpc-${i % groups}`;
  });
  const edgeRules = Array.from({ length: options.edgeEndpoints ?? 0 }, (_, i) =>
    syntheticEdgeRule(`edge-${i}`, names[i % hubs] ?? '', edgeRandom),
  );
  return createRuleSet({ version: 0, services, teams, ingress, egress, grants, edgeRules });
}

/** A public endpoint's WAF config of the usual shape: lists, a geo rule, rate limits, managed groups. */
function syntheticEdgeRule(endpoint: string, service: string, random: () => number) {
  const octet = () => Math.floor(random() * 256);
  return {
    service,
    endpoint,
    scope: 'REGIONAL' as const,
    defaultAction: 'allow' as const,
    ipDenyList: Array.from({ length: 20 }, (_, i) => `198.51.${i}.${octet()}/32`),
    geoRules: [{ name: 'block-embargoed', action: 'block' as const, countries: ['KP', 'IR'] }],
    rateLimits: [
      { name: 'per-ip', limit: 500 + Math.floor(random() * 4_500) },
      {
        name: 'login-burst',
        limit: 100,
        windowSeconds: 60 as const,
        scopeDown: {
          type: 'string',
          field: 'uriPath',
          position: 'STARTS_WITH',
          value: '/login',
        },
      },
    ],
    managedRuleGroups: [
      { name: 'AWSManagedRulesCommonRuleSet' },
      { name: 'AWSManagedRulesKnownBadInputsRuleSet' },
      { name: 'AWSManagedRulesAmazonIpReputationList' },
    ],
  };
}

function serviceNames(n: number): string[] {
  const names: string[] = [];
  for (let i = 0; names.length < n; i += 1) {
    const domain = DOMAINS[i % DOMAINS.length] ?? 'x';
    const round = Math.floor(i / DOMAINS.length);
    const role = round === 0 ? '' : `-${ROLES[(round - 1) % ROLES.length]}`;
    const suffix = round > ROLES.length ? `-${Math.floor((round - 1) / ROLES.length)}` : '';
    names.push(`service.${domain}${role}${suffix}`);
  }
  return names;
}
