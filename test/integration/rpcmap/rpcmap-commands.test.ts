import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RpcmapDiff } from '../../../rpcmap/diff';
import type { ScanResult } from '../../../rpcmap/model';
import { scan } from '../../../rpcmap/scan/scan';
import { generateMonorepo } from '../../../rpcmap/synthetic/generate-monorepo';
import { EXAMPLE_FLEET, tempDir, ward } from '../../support/cli-harness';

const MONOREPO = join(__dirname, '../../../examples/monorepo');

/** A Go file in service.feed that calls the ledger, which does not list service.feed. */
const FEED_CALLS_LEDGER = `package balance

import (
	"context"

	ledgerproto "github.com/monzo/wearedev/service.ledger/proto"
)

// Show reads the balance straight from the ledger.
func Show(ctx context.Context, account string) error {
	return ledgerproto.ReadBalanceRequest{AccountId: account}.Send(ctx).Response().Error
}
`;

function copyOfMonorepo(): string {
  const root = join(tempDir('ward-rpcmap-'), 'monorepo');
  cpSync(MONOREPO, root, { recursive: true, filter: (source) => !source.includes('/.ward') });
  return root;
}

function addFeedCallToLedger(root: string): string {
  mkdirSync(join(root, 'service.feed', 'balance'), { recursive: true });
  const file = join(root, 'service.feed', 'balance', 'balance.go');
  writeFileSync(file, FEED_CALLS_LEDGER);
  return file;
}

const git = (root: string, ...args: string[]) =>
  execFileSync('git', args, {
    cwd: root,
    stdio: 'pipe',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 't',
      GIT_AUTHOR_EMAIL: 't@example.com',
      GIT_COMMITTER_NAME: 't',
      GIT_COMMITTER_EMAIL: 't@example.com',
    },
  });

describe('ward rpcmap on the example monorepo', () => {
  it('given the example monorepo, when scanned, then it finds exactly its known edges and hosts', async () => {
    const expected = JSON.parse(readFileSync(join(MONOREPO, 'expected-edges.json'), 'utf8')) as {
      edges: [string, string][];
      egress: [string, string, number][];
    };

    const run = await ward(['rpcmap', 'scan', MONOREPO, '--format', 'json', '--no-cache']);

    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as ScanResult;
    expect(result.edges.map((edge) => [edge.from, edge.to])).toEqual(expected.edges);
    expect(result.egress.map((e) => [e.from, e.host, e.port])).toEqual(expected.egress);
    expect(result.unresolved).toEqual([]);
    expect(result.services).toHaveLength(16);
    expect(Object.keys(result.edges[0]?.evidence[0] ?? {}).sort()).toEqual(
      ['column', 'file', 'line', 'pattern', 'snippet'].sort(),
    );
  });

  it('given the example fleet, when the monorepo is checked, then every call is allowed', async () => {
    const run = await ward(['rpcmap', 'check', MONOREPO, '--fleet', EXAMPLE_FLEET, '--no-cache']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ok: all 14 calls between services are allowed');
  });

  it('given a change that makes service.feed call the ledger, when checked, then it fails saying who calls whom, where, and how to ask', async () => {
    const root = copyOfMonorepo();
    addFeedCallToLedger(root);

    const run = await ward(['rpcmap', 'check', root, '--fleet', EXAMPLE_FLEET, '--no-cache']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      'not allowed: service.feed calls service.ledger, which does not allow it',
    );
    expect(run.stdout).toContain('service.feed/balance/balance.go:11:9');
    expect(run.stdout).toContain(
      'ward request --from service.feed --to service.ledger --reason "service.feed/balance/balance.go:11 calls service.ledger (found by ward rpcmap)"',
    );
    expect(run.stdout).toContain('1 call not allowed by the rules');
  });

  it('given --since, when the call was already there at the ref, then only calls added since fail', async () => {
    const root = copyOfMonorepo();
    git(root, 'init', '-q');
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'base');
    addFeedCallToLedger(root);

    const added = await ward([
      'rpcmap',
      'check',
      root,
      '--fleet',
      EXAMPLE_FLEET,
      '--since',
      'HEAD',
    ]);
    git(root, 'add', '.');
    git(root, 'commit', '-q', '-m', 'the call');
    const already = await ward([
      'rpcmap',
      'check',
      root,
      '--fleet',
      EXAMPLE_FLEET,
      '--since',
      'HEAD',
    ]);
    const unknownRef = await ward([
      'rpcmap',
      'check',
      root,
      '--fleet',
      EXAMPLE_FLEET,
      '--since',
      'nope',
    ]);

    expect(added.code).toBe(1);
    expect(added.stdout).toContain('service.feed calls service.ledger');
    expect(added.stdout).toContain('added since HEAD');
    expect(already.code).toBe(0);
    expect(unknownRef.code).toBe(2);
    expect(unknownRef.stderr).toContain('--since nope: not a commit');
  });

  it('given a diff against the fleet, then calls not allowed and allowed calls not seen are both listed', async () => {
    const root = copyOfMonorepo();
    addFeedCallToLedger(root);

    const run = await ward(['rpcmap', 'diff', root, '--fleet', EXAMPLE_FLEET, '--format', 'json']);

    expect(run.code).toBe(0);
    const diff = JSON.parse(run.stdout) as RpcmapDiff;
    expect(diff.notAllowed.map((e) => `${e.from} -> ${e.to}`)).toEqual([
      'service.feed -> service.ledger',
    ]);
    expect(diff.notSeen).toContainEqual({ from: 'service.payments', to: 'service.accounts' });
    expect(diff.egressNotAllowed).toEqual([]);
  });
});

describe('ward rpcmap given bad input', () => {
  it('given an invalid rpcmap.yaml, then it exits 2 naming the field', async () => {
    const root = copyOfMonorepo();
    writeFileSync(join(root, 'rpcmap.yaml'), 'services:\n  - name: service.ledger\n');

    const run = await ward(['rpcmap', 'scan', root]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('rpcmap.yaml: services[0].path:');
  });

  it('given no such root or no such --config, then it exits 2', async () => {
    const missing = await ward(['rpcmap', 'scan', '/nonexistent/tree']);
    const noConfig = await ward(['rpcmap', 'scan', MONOREPO, '--config', '/nonexistent.yaml']);

    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such directory to scan');
    expect(noConfig.code).toBe(2);
    expect(noConfig.stderr).toContain('cannot read the configuration');
  });

  it('given a symlink loop, when scanned, then it is skipped with a warning and the rest is scanned', async () => {
    const root = copyOfMonorepo();
    symlinkSync('..', join(root, 'service.pots', 'loop'));

    const { result } = await scan({ root, cacheDir: false });

    expect(result.warnings.map((w) => w.message)).toContainEqual(
      expect.stringContaining('symlink loop'),
    );
    expect(result.edges).toHaveLength(14);
  });
});

describe('rpcmap scanning with worker threads and the cache', () => {
  it('given a generated monorepo, when scanned on two worker threads, then it finds exactly the generated edges', async () => {
    const repo = generateMonorepo({ services: 80, callsPerService: 4, handlerFiles: 1, seed: 3 });
    const root = tempDir('ward-rpcmap-gen-');
    for (const [path, text] of repo.files) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), text);
    }

    const { result, stats } = await scan({ root, cacheDir: false, jobs: 2, workersFrom: 0 });

    expect(stats.jobs).toBe(2);
    expect(result.edges.map((edge) => `${edge.from} -> ${edge.to}`).sort()).toEqual(
      repo.edges.map((edge) => `${edge.from} -> ${edge.to}`).sort(),
    );
    expect(result.unresolved).toEqual([]);
    rmSync(root, { recursive: true, force: true });
  });

  it('given a cached scan, when one file changes, then only it is parsed and the result follows it', async () => {
    const root = copyOfMonorepo();
    const cacheDir = join(root, '.ward', 'cache');
    const first = await scan({ root, cacheDir });
    const again = await scan({ root, cacheDir });
    addFeedCallToLedger(root);
    const changed = await scan({ root, cacheDir });

    expect(first.stats.parsed).toBe(first.stats.files);
    expect(again.stats.parsed).toBe(0);
    expect(again.result).toEqual(first.result);
    expect(changed.stats.parsed).toBe(1);
    expect(changed.result.edges).toHaveLength(15);
  });
});
