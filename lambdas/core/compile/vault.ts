import type { VaultCapability } from '../model/schemas';
import type { ServiceView } from './fleet-index';
import type { CompileOptions } from './options';

/**
 * The service's Vault policy: read of its own KV namespace (`<mount>/data/<service>/*`),
 * plus its explicit grants. Paths that appear twice have their capabilities merged, since
 * Vault would otherwise apply only one of the two blocks.
 */
export function vaultPolicy(view: ServiceView, options: CompileOptions): string {
  const { service } = view;
  const capabilitiesByPath = new Map<string, Set<VaultCapability>>();
  const allow = (path: string, capabilities: readonly VaultCapability[]) => {
    const set = capabilitiesByPath.get(path) ?? new Set<VaultCapability>();
    for (const capability of capabilities) set.add(capability);
    capabilitiesByPath.set(path, set);
  };
  allow(`${options.vaultKvMount}/data/${service.name}/*`, ['read']);
  for (const grant of view.grants) allow(grant.path, grant.capabilities);

  const blocks = [...capabilitiesByPath.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, capabilities]) => {
      const list = [...capabilities]
        .sort()
        .map((c) => JSON.stringify(c))
        .join(', ');
      return `path ${JSON.stringify(path)} {\n  capabilities = [${list}]\n}\n`;
    });
  return [
    `# Vault policy for ${service.name} (team ${service.team}), written by Ward: do not edit.\n`,
    ...blocks,
  ].join('\n');
}
