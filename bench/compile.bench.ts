import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFleet } from '../cli/fleet/read-fleet';
import { generateSyntheticFleet } from '../cli/fleet/synthetic-fleet';
import { replaceDirectory } from '../cli/fleet/write-dir';
import { compileBundle } from '../lambdas/core/compile/bundle';
import { ruleSetToFleetFiles } from '../lambdas/core/fleet/fleet-writer';
import type { RuleSet } from '../lambdas/core/rules/rule-set';
import { mb, median, ms, peakRssBytes, timed, type Figure } from './measure';

/** With the public endpoints and VPC workload groups a fleet this size has: WAF and DNS Firewall too. */
export const SCALE = {
  services: 2_000,
  edges: 10_000,
  seed: 1,
  edgeEndpoints: 4,
  workloadGroups: 10,
} as const;
const RUNS = 7;

/**
 * Compiles a generated fleet of 2,000 services and 10,000 edges. The target (under 1 s,
 * under 500 MB) is for the compile itself; loading the fleet's 2,000 YAML files and writing
 * the bundle's files are reported beside it.
 */
export async function benchCompile(): Promise<{ figures: Figure[]; ruleSet: RuleSet }> {
  const generated = await timed(() => generateSyntheticFleet(SCALE));
  const dir = mkdtempSync(join(tmpdir(), 'ward-bench-'));
  try {
    const fleetDir = join(dir, 'fleet');
    await replaceDirectory(fleetDir, ruleSetToFleetFiles(generated.result), () => true);
    const loaded = await timed(() => readFleet(fleetDir));
    const ruleSet = loaded.result;

    const heapBefore = process.memoryUsage().heapUsed;
    const first = await timed(() => compileBundle(ruleSet));
    const heapAfterFirst = process.memoryUsage().heapUsed;
    const runs: number[] = [first.ms];
    for (let i = 1; i < RUNS; i += 1) runs.push((await timed(() => compileBundle(ruleSet))).ms);
    const written = await timed(() =>
      replaceDirectory(join(dir, 'bundle'), first.result.files, () => true),
    );
    const worst = Math.max(...runs);
    const peak = peakRssBytes();

    const figures: Figure[] = [
      {
        name: 'fleet',
        value: `${ruleSet.services.length} services, ${ruleSet.ingress.length} edges, ${ruleSet.egress.length} egress`,
      },
      { name: 'generate fleet (in memory)', value: ms(generated.ms) },
      { name: 'load 2,000 fleet files', value: ms(loaded.ms) },
      {
        name: 'compile, first (cold) run',
        value: ms(first.ms),
        target: '< 1000 ms',
        ok: first.ms < 1_000,
      },
      {
        name: `compile, median of ${RUNS}`,
        value: ms(median(runs)),
        target: '< 1000 ms',
        ok: median(runs) < 1_000,
      },
      { name: `compile, worst of ${RUNS}`, value: ms(worst) },
      { name: 'bundle files', value: String(first.result.files.size) },
      {
        name: 'bundle bytes',
        value: mb([...first.result.files.values()].reduce((n, t) => n + t.length, 0)),
      },
      { name: 'write bundle to disk', value: ms(written.ms) },
      { name: 'heap grown by one compile', value: mb(Math.max(0, heapAfterFirst - heapBefore)) },
      {
        name: 'peak RSS of the process',
        value: mb(peak),
        target: '< 500 MB',
        ok: peak < 500 * 1024 * 1024,
      },
    ];
    return { figures, ruleSet };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
