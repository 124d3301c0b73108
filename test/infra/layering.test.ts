import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The layer rules of DESIGN.md are enforced by ESLint; this proves they bite. Each probe is a
 * file written into the layer it speaks for, linted with the layer rules alone, then removed.
 */
const ROOT = join(__dirname, '../..');
const PROBE = '__layering-probe__.ts';

const probes: { layer: string; imports: string; allowed: boolean }[] = [
  {
    layer: 'lambdas/core',
    imports: "import { DynamoRuleRegistry as x } from '../adapters/registry';",
    allowed: false,
  },
  {
    layer: 'lambdas/core',
    imports: "import { DynamoDBClient as x } from '@aws-sdk/client-dynamodb';",
    allowed: false,
  },
  {
    layer: 'lambdas/core',
    imports: "import { readFileSync as x } from 'node:fs';",
    allowed: false,
  },
  {
    layer: 'lambdas/core',
    imports: "import { REGISTRY_TABLE_ENV as x } from '../contracts/registry-table';",
    allowed: true,
  },
  {
    layer: 'lambdas/contracts',
    imports: "import { createRuleSet as x } from '../core/rules/rule-set';",
    allowed: false,
  },
  {
    layer: 'lib',
    imports: "import { compileBundle as x } from '../lambdas/core/compile/bundle';",
    allowed: false,
  },
  {
    layer: 'lib',
    imports: "import { RegistryTableKeys as x } from '../lambdas/contracts/registry-table';",
    allowed: true,
  },
  {
    layer: 'lambdas/adapters',
    imports: "import { runWard as x } from '../../cli/run';",
    allowed: false,
  },
  {
    layer: 'cli',
    imports: "import { DynamoRuleRegistry as x } from '../lambdas/adapters/registry';",
    allowed: true,
  },
];

interface EslintResult {
  filePath: string;
  messages: { ruleId: string | null; message: string }[];
}

describe('layering is enforced by lint', () => {
  let results: Map<string, EslintResult>;

  beforeAll(() => {
    const files = probes.map((probe, i) => {
      const dir = join(ROOT, probe.layer, `__probe${i}__`);
      mkdirSync(dir, { recursive: true });
      // One level deeper than the layer, so relative imports climb one more `..`.
      writeFileSync(
        join(dir, PROBE),
        `${probe.imports.replace("'../", "'../../")}\nexport const probe = x;\n`,
      );
      return join(dir, PROBE);
    });
    try {
      const output = execFileSync(
        process.execPath,
        [
          join(ROOT, 'node_modules/eslint/bin/eslint.js'),
          '--no-config-lookup',
          '-c',
          'test/support/eslint-layers-only.config.mjs',
          '--format',
          'json',
          ...files,
        ],
        { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
      ).toString();
      results = new Map((JSON.parse(output) as EslintResult[]).map((r) => [r.filePath, r]));
    } catch (error) {
      // ESLint exits 1 when it finds problems, which the probes are meant to produce.
      const stdout = (error as { stdout?: string }).stdout ?? '';
      results = new Map((JSON.parse(stdout) as EslintResult[]).map((r) => [r.filePath, r]));
    } finally {
      probes.forEach((probe, i) =>
        rmSync(join(ROOT, probe.layer, `__probe${i}__`), { recursive: true, force: true }),
      );
    }
  }, 60_000);

  it.each(probes.map((probe, i) => [probe.layer, probe.imports, probe.allowed, i] as const))(
    'given %s importing %s, then lint allows it: %s',
    (layer, _imports, allowed, i) => {
      const result = results.get(join(ROOT, layer, `__probe${i}__`, PROBE));
      expect(result).toBeDefined();
      const layerErrors = (result?.messages ?? []).filter(
        (m) => m.ruleId === 'import-x/no-restricted-paths' || m.ruleId === 'no-restricted-imports',
      );
      expect(result?.messages.filter((m) => m.ruleId === null)).toEqual([]);
      expect(layerErrors.length === 0).toBe(allowed);
    },
  );
});
