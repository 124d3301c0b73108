import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_FLEET, tempDir, ward } from '../support/cli-harness';
import { useRegistryTables } from '../support/registry-table';

const tables = useRegistryTables('cli');

function readTree(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name))
      .sort()
      .map((path) => [path.slice(dir.length), readFileSync(path, 'utf8')]),
  );
}

describe('ward registry import, compile --from-table and rules export --from-table', () => {
  it('given the example fleet imported, then compiling from the table gives the same bundle as from files, except the version', async () => {
    const table = await tables.create();
    const imported = await ward([
      'registry',
      'import',
      EXAMPLE_FLEET,
      '--table',
      table,
      '--format',
      'json',
    ]);
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      previousVersion: 0,
      version: 1,
      summary: { services: 16 },
    });

    const fromFiles = join(tempDir(), 'b');
    const fromTable = join(tempDir(), 'b');
    expect((await ward(['compile', EXAMPLE_FLEET, '--out', fromFiles])).code).toBe(0);
    expect((await ward(['compile', '--from-table', table, '--out', fromTable])).code).toBe(0);
    const files = readTree(fromFiles);
    const table_ = readTree(fromTable);
    expect(Object.keys(table_)).toEqual(Object.keys(files));
    for (const path of Object.keys(files).filter((p) => !p.endsWith('bundle.json')))
      expect(table_[path]).toBe(files[path]);
    const manifest = (text: string | undefined) =>
      JSON.parse(text ?? '{}') as { ruleSetVersion: number; rulesSha256: string };
    expect(manifest(table_['/bundle.json'])).toMatchObject({
      ruleSetVersion: 1,
      rulesSha256: manifest(files['/bundle.json']).rulesSha256,
    });

    const exported = await ward(['rules', 'export', '--from-table', table]);
    expect(JSON.parse(exported.stdout)).toEqual(
      JSON.parse((await ward(['rules', 'export', EXAMPLE_FLEET])).stdout),
    );
  });

  it('given the same fleet imported twice, then the second import writes nothing', async () => {
    const table = await tables.create();
    await ward(['registry', 'import', EXAMPLE_FLEET, '--table', table]);
    const again = await ward(['registry', 'import', EXAMPLE_FLEET, '--table', table]);
    expect(again).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/already holds this fleet at v1; nothing written/),
    });
  });

  it('given an edited fleet, then the import is the next version and carries only the edit', async () => {
    const table = await tables.create();
    await ward(['registry', 'import', EXAMPLE_FLEET, '--table', table]);
    const dir = join(tempDir(), 'fleet');
    cpSync(EXAMPLE_FLEET, dir, { recursive: true });
    const pots = join(dir, 'services/service.pots/ward.yaml');
    writeFileSync(
      pots,
      readFileSync(pots, 'utf8').replace('callers:\n', 'callers:\n  - service.feed\n'),
    );
    const run = await ward(['registry', 'import', dir, '--table', table, '--format', 'json']);
    expect(JSON.parse(run.stdout)).toMatchObject({
      previousVersion: 1,
      version: 2,
      changedRules: 1,
    });
  });

  it('given an invalid fleet, then nothing is imported', async () => {
    const table = await tables.create();
    const dir = join(tempDir(), 'fleet');
    cpSync(EXAMPLE_FLEET, dir, { recursive: true });
    writeFileSync(
      join(dir, 'services/service.pots/ward.yaml'),
      'service: service.pots\nteam: nobody\n',
    );
    expect((await ward(['registry', 'import', dir, '--table', table])).code).toBe(1);
    expect(JSON.parse((await ward(['rules', 'export', '--from-table', table])).stdout)).toEqual({
      services: [],
      teams: [],
      ingress: [],
      egress: [],
    });
  });

  it('given a table that does not exist, then it says so and exits 1', async () => {
    const run = await ward([
      'compile',
      '--from-table',
      'no-such-table',
      '--out',
      join(tempDir(), 'b'),
    ]);
    expect(run).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/ResourceNotFoundException/),
    });
  });
});
