/**
 * The names each fleet service answers to: its own name, configured aliases, names found in
 * manifests, and the forms derived from its name (`ledger`, `service-ledger`). Lookups are
 * exact first, then by a normalised key that ignores case, separators and `service`/`svc`
 * affixes, so `CART_SERVICE_ADDR`, `NewCartServiceClient` and `cartservice` all find
 * `service.cart`. A key two services share finds neither.
 */
export class ServiceIndex {
  private readonly exact = new Map<string, string>();
  private readonly normalised = new Map<string, string | null>();
  /** first labels fleet names share (`service` in `service.ledger`) */
  private readonly fleetPrefixes = new Set<string>();

  constructor(
    services: readonly { readonly name: string; readonly aliases?: readonly string[] }[],
  ) {
    for (const service of services) {
      const dot = service.name.indexOf('.');
      if (dot > 0) this.fleetPrefixes.add(service.name.slice(0, dot));
      this.add(service.name, service.name);
      for (const alias of derivedAliases(service.name)) this.add(alias, service.name);
      for (const alias of service.aliases ?? []) this.add(alias, service.name);
    }
  }

  /** Adds a name (an alias from config or a manifest) for `service`. */
  add(name: string, service: string): void {
    const lower = name.toLowerCase();
    if (!this.exact.has(lower)) this.exact.set(lower, service);
    const key = normaliseName(name);
    if (key === '') return;
    const existing = this.normalised.get(key);
    if (existing === undefined) this.normalised.set(key, service);
    else if (existing !== service) this.normalised.set(key, null);
  }

  /** The service a name denotes, exactly or by its normalised form. */
  lookup(name: string): string | undefined {
    const exact = this.exact.get(name.toLowerCase());
    if (exact !== undefined) return exact;
    return this.normalised.get(normaliseName(name)) ?? undefined;
  }

  /** A host written as fleet services are named (`service.x`) is never an internet host. */
  looksLikeFleetName(host: string): boolean {
    const dot = host.indexOf('.');
    return dot > 0 && host.indexOf('.', dot + 1) < 0 && this.fleetPrefixes.has(host.slice(0, dot));
  }

  /** Only exact names and aliases: for host names, where a loose match would mislead. */
  lookupExact(name: string): string | undefined {
    return this.exact.get(name.toLowerCase());
  }
}

/** `service.ledger` is also `ledger` and `service-ledger` on the wire. */
export function derivedAliases(name: string): string[] {
  const aliases = [name.replace(/\./g, '-')];
  const dot = name.indexOf('.');
  if (dot > 0) aliases.push(name.slice(dot + 1));
  return aliases;
}

const AFFIXES = ['service', 'svc', 'srv'];

/** Lowercase letters and digits only, without a leading or trailing `service`/`svc`/`srv`. */
export function normaliseName(name: string): string {
  let key = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  for (let changed = true; changed;) {
    changed = false;
    for (const affix of AFFIXES) {
      if (key.length > affix.length && key.startsWith(affix)) {
        key = key.slice(affix.length);
        changed = true;
      }
      if (key.length > affix.length && key.endsWith(affix)) {
        key = key.slice(0, -affix.length);
        changed = true;
      }
    }
  }
  return key;
}

/** Env names say what they hold at the end: `LEDGER_ADDR`, `CART_SERVICE_URL`. */
const ENV_SUFFIXES = /_(ADDR|ADDRESS|HOST|HOSTNAME|URL|URI|ENDPOINT|TARGET|DSN|SERVICE_ADDR)$/;

/** The service name an environment variable's name suggests (`CART_SERVICE_ADDR` -> `CART`). */
export function envNameStem(envName: string): string | undefined {
  if (!ENV_SUFFIXES.test(envName)) return undefined;
  return envName.replace(ENV_SUFFIXES, '');
}
