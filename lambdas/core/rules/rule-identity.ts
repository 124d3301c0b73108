import type {
  EdgeRule,
  EgressRule,
  IngressRule,
  ResourceGrant,
  Service,
  Team,
} from '../model/schemas';
import type { RuleCollection } from './problems';

export interface RuleOf {
  services: Service;
  teams: Team;
  ingress: IngressRule;
  egress: EgressRule;
  grants: ResourceGrant;
  edgeRules: EdgeRule;
}

/**
 * The identity of a rule within its collection: two rules with the same key are the same
 * rule, whatever else differs (an ingress edge is one rule however many ports it lists).
 */
export function ruleKey<C extends RuleCollection>(collection: C, item: RuleOf[C]): string {
  switch (collection) {
    case 'services':
      return (item as Service).name;
    case 'teams':
      return (item as Team).name;
    case 'ingress': {
      const rule = item as IngressRule;
      return `${rule.from} -> ${rule.to}`;
    }
    case 'egress': {
      const rule = item as EgressRule;
      return `${rule.service} -> ${rule.host}:${rule.port}`;
    }
    case 'grants': {
      const grant = item as ResourceGrant;
      return `${grant.service} : ${grant.path}`;
    }
    case 'edgeRules':
      // Endpoint names are unique across scopes: each is one file in the bundle (waf/<name>.json).
      return (item as EdgeRule).endpoint;
  }
  throw new Error(`unknown rule collection ${String(collection)}`);
}

const NOUN: Record<RuleCollection, string> = {
  services: 'service',
  teams: 'team',
  ingress: 'ingress rule',
  egress: 'egress rule',
  grants: 'grant',
  edgeRules: 'edge endpoint',
};

/** How a message names a rule: `ingress rule service.a -> service.b`. */
export function describeRule<C extends RuleCollection>(collection: C, item: RuleOf[C]): string {
  return `${NOUN[collection]} ${ruleKey(collection, item)}`;
}

/** Names a rule that failed its schema, using whatever fields are readable. */
export function describeRawRule(collection: RuleCollection, raw: unknown, index: number): string {
  const fields = (raw ?? {}) as Record<string, unknown>;
  const text = (key: string) => (typeof fields[key] === 'string' ? fields[key] : '?');
  switch (collection) {
    case 'services':
    case 'teams':
      return typeof fields.name === 'string'
        ? `${NOUN[collection]} ${text('name')}`
        : `${collection}[${index}]`;
    case 'ingress':
      return `ingress rule ${text('from')} -> ${text('to')}`;
    case 'egress':
      return `egress rule ${text('service')} -> ${text('host')}${typeof fields.port === 'number' ? `:${fields.port}` : ''}`;
    case 'grants':
      return `grant ${text('service')} : ${text('path')}`;
    case 'edgeRules':
      return `edge endpoint ${text('endpoint')}`;
  }
}
