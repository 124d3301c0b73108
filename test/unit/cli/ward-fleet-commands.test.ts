import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { EXAMPLE_FLEET, tempDir, ward } from '../../support/cli-harness';

function copyOfExample(): string {
  const dir = join(tempDir(), 'fleet');
  cpSync(EXAMPLE_FLEET, dir, { recursive: true });
  return dir;
}

describe('ward validate', () => {
  it('given the example fleet, then it exits 0 and summarises it', async () => {
    const run = await ward(['validate', EXAMPLE_FLEET]);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/16 services, 6 teams, 38 ingress, 9 egress, 5 grants/);
  });

  it('given a fleet with a bad host and an unknown caller, then it lists both with file and line and exits 1', async () => {
    const dir = copyOfExample();
    const ledger = join(dir, 'services/service.ledger/ward.yaml');
    writeFileSync(
      ledger,
      readFileSync(ledger, 'utf8').replace('  - service.pots\n', '  - service.potz\n'),
    );
    const fx = join(dir, 'services/service.fx-rates/ward.yaml');
    writeFileSync(fx, readFileSync(fx, 'utf8').replace('data.fixer.io:443', 'data.fixer.io:99999'));
    const run = await ward(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toEqual([
      `${fx}:9:5: egress rule service.fx-rates -> data.fixer.io:99999: port: 99999 is not a valid port: use an integer from 1 to 65535`,
      `${ledger}:12:5: ingress rule service.potz -> service.ledger: "service.potz" is not a known service`,
      '2 problems found; nothing was written.',
      '',
    ]);
  });

  it('given a directory that does not exist, then it says so and exits 1', async () => {
    const run = await ward(['validate', '/nonexistent/fleet']);
    expect(run).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^\/nonexistent\/fleet:0:0: no such fleet directory/),
    });
  });

  it('given a teams file that cannot be read, then the file is named and it exits 1', async () => {
    const dir = copyOfExample();
    rmSync(join(dir, 'teams.yaml'));
    mkdirSync(join(dir, 'teams.yaml'));
    const run = await ward(['validate', dir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/teams\.yaml:0:0: cannot read the file \(EISDIR\)/);
  });

  it('given --format json, then it prints a machine-readable result', async () => {
    const run = await ward(['validate', EXAMPLE_FLEET, '--format', 'json']);
    expect(JSON.parse(run.stdout)).toMatchObject({
      ok: true,
      problems: [],
      summary: { services: 16 },
    });
  });
});

describe('ward rules export', () => {
  it('given the example fleet, then it prints the exchange shape with exactly its keys', async () => {
    const run = await ward(['rules', 'export', EXAMPLE_FLEET, '--format', 'json']);
    expect(run.code).toBe(0);
    const exported = JSON.parse(run.stdout) as Record<string, Record<string, unknown>[]>;
    expect(Object.keys(exported)).toEqual(['services', 'teams', 'ingress', 'egress']);
    expect(exported.services?.[0]).toEqual({
      name: 'service.accounts',
      namespace: 'accounts',
      team: 'customer',
      tier: 'critical',
      isolation: 'enforced',
    });
    expect(exported.teams?.every((t) => Object.keys(t).join() === 'name,group')).toBe(true);
    expect(exported.ingress?.every((r) => Object.keys(r).join() === 'from,to')).toBe(true);
    expect(exported.egress).toContainEqual({
      service: 'service.auth',
      host: '*.okta.com',
      port: 443,
    });
  });

  it('given neither a directory nor a table, then it is a usage error', async () => {
    const run = await ward(['rules', 'export']);
    expect(run).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/either a fleet directory or --from-table/),
    });
  });
});

describe('ward fleet generate', () => {
  it('given the same seed twice, then the fleets are identical; another seed differs', async () => {
    const [a, b, c] = [tempDir(), tempDir(), tempDir()].map((d) => join(d, 'fleet')) as [
      string,
      string,
      string,
    ];
    for (const [out, seed] of [
      [a, '5'],
      [b, '5'],
      [c, '6'],
    ] as const) {
      expect(
        (
          await ward([
            'fleet',
            'generate',
            '--services',
            '60',
            '--edges',
            '300',
            '--seed',
            seed,
            '--out',
            out,
          ])
        ).code,
      ).toBe(0);
    }
    const read = (dir: string) =>
      readdirSync(dir, { recursive: true })
        .sort()
        .map((p) => [
          p,
          existsSync(join(dir, String(p), 'x')) || readFileSafe(join(dir, String(p))),
        ]);
    expect(read(a)).toEqual(read(b));
    expect(read(a)).not.toEqual(read(c));
    expect((await ward(['validate', a])).stdout).toMatch(/60 services, \d+ teams, 300 ingress/);
  });

  it('given edge endpoints and workload groups, then the fleet carries them, the rest of the seed’s fleet is unchanged, and it compiles to waf/ and dns-firewall/ files', async () => {
    const [plain, edged] = [tempDir(), tempDir()].map((d) => join(d, 'fleet')) as [string, string];
    const base = ['fleet', 'generate', '--services', '200', '--edges', '800', '--seed', '3'];
    expect((await ward([...base, '--out', plain])).code).toBe(0);
    const run = await ward([
      ...base,
      '--edge-endpoints',
      '2',
      '--workload-groups',
      '3',
      '--out',
      edged,
      '--format',
      'json',
    ]);
    expect(JSON.parse(run.stdout)).toMatchObject({
      summary: { services: 200, ingress: 800, edgeEndpoints: 2, workloadGroups: 3 },
    });
    const exported = async (dir: string) =>
      JSON.parse((await ward(['rules', 'export', dir, '--format', 'json'])).stdout) as Record<
        string,
        unknown
      >;
    const [a, b] = [await exported(plain), await exported(edged)];
    for (const key of ['teams', 'ingress', 'egress']) expect(b[key]).toEqual(a[key]);
    const out = join(tempDir(), 'bundle');
    expect((await ward(['compile', edged, '--out', out])).code).toBe(0);
    const files = Object.keys(
      (JSON.parse(readFileSync(join(out, 'bundle.json'), 'utf8')) as { files: object }).files,
    );
    expect(files.filter((f) => f.startsWith('waf/'))).toEqual([
      'waf/edge-0.json',
      'waf/edge-1.json',
    ]);
    expect(files.filter((f) => f.startsWith('dns-firewall/'))).toHaveLength(4);
  });

  it('given more edges than a fleet can have, then it refuses with the limit', async () => {
    const run = await ward([
      'fleet',
      'generate',
      '--services',
      '3',
      '--edges',
      '7',
      '--out',
      join(tempDir(), 'f'),
    ]);
    expect(run).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--edges must be an integer from 0 to 6 for 3 services/),
    });
  });

  it('given a non-numeric count, then it is a usage error naming the option', async () => {
    const run = await ward([
      'fleet',
      'generate',
      '--services',
      'many',
      '--edges',
      '1',
      '--out',
      join(tempDir(), 'f'),
    ]);
    expect(run).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--services must be a whole number/),
    });
  });
});

describe('ward compile', () => {
  it('given the example fleet, then it writes the bundle and prints a summary', async () => {
    const out = join(tempDir(), 'bundle');
    const run = await ward(['compile', EXAMPLE_FLEET, '--out', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/NetworkPolicies\s+51/);
    expect(run.stdout).toMatch(/service\.notifications: enforcing would admit only 5 callers/);
    expect(JSON.parse(readFileSync(join(out, 'bundle.json'), 'utf8'))).toMatchObject({
      format: 'ward.bundle/v1',
    });
  });

  it('given an invalid fleet, then nothing at all is written', async () => {
    const dir = copyOfExample();
    writeFileSync(
      join(dir, 'services/service.pots/ward.yaml'),
      'service: service.pots\nteam: nobody\n',
    );
    const out = join(tempDir(), 'bundle');
    const run = await ward(['compile', dir, '--out', out]);
    expect(run.code).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it('given an earlier bundle in --out, then it is replaced whole (no stale files remain)', async () => {
    const out = join(tempDir(), 'bundle');
    await ward(['compile', EXAMPLE_FLEET, '--out', out]);
    writeFileSync(join(out, 'kubernetes', 'stale.yaml'), 'left over');
    expect((await ward(['compile', EXAMPLE_FLEET, '--out', out])).code).toBe(0);
    expect(existsSync(join(out, 'kubernetes', 'stale.yaml'))).toBe(false);
  });

  it('given a non-empty directory that is not a bundle, then it refuses to touch it', async () => {
    const out = tempDir();
    writeFileSync(join(out, 'precious.txt'), 'keep me');
    const run = await ward(['compile', EXAMPLE_FLEET, '--out', out]);
    expect(run).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/is not one of Ward's output directories/),
    });
    expect(readFileSync(join(out, 'precious.txt'), 'utf8')).toBe('keep me');
  });

  it('given no --out, then it is a usage error', async () => {
    expect((await ward(['compile', EXAMPLE_FLEET])).code).toBe(2);
  });
});

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '<dir>';
  }
}
