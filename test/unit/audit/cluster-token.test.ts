import { randomBytes } from 'node:crypto';
import {
  clusterTokenSha256,
  newClusterToken,
  storedHashes,
  verifyClusterToken,
} from '../../../lambdas/core/audit/cluster-token';
import { messagesOf } from '../../../lambdas/adapters/audit/sqs-dead-letters';

const allowed = new Set(['prod-eu', 'staging']);
const token = newClusterToken('prod-eu', randomBytes(32));
const registered = (hashes: Record<string, string[] | undefined>) => (cluster: string) =>
  Promise.resolve(hashes[cluster]);
const verify = (authorization: string | undefined, hashes: Record<string, string[] | undefined>) =>
  verifyClusterToken(authorization, allowed, registered(hashes));

describe('Kubernetes audit webhook tokens', () => {
  it('given the registered token of an allowed cluster, then the call is that cluster’s', async () => {
    expect(await verify(`Bearer ${token}`, { 'prod-eu': [clusterTokenSha256(token)] })).toEqual({
      ok: true,
      cluster: 'prod-eu',
    });
  });

  it('given either hash of a rotation, then the token is accepted; hashes are case-insensitive', async () => {
    const old = newClusterToken('prod-eu', randomBytes(32));
    const stored = storedHashes(
      `${clusterTokenSha256(token).toUpperCase()}, ${clusterTokenSha256(old)}`,
    );
    expect(await verify(`bearer ${old}`, { 'prod-eu': stored })).toMatchObject({ ok: true });
    expect(await verify(`Bearer ${token}`, { 'prod-eu': stored })).toMatchObject({ ok: true });
  });

  it.each([
    ['no header', undefined, 'no-token'],
    ['an empty header', '  ', 'no-token'],
    ['another scheme', `Basic ${token}`, 'malformed-token'],
    ['a JWT', 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln', 'malformed-token'],
    ['a short secret', `Bearer wardk8s.prod-eu.${'a'.repeat(42)}`, 'malformed-token'],
    ['an extra part', `Bearer ${token}.x`, 'malformed-token'],
    ['a bad cluster name', `Bearer wardk8s.Prod_EU.${'a'.repeat(43)}`, 'malformed-token'],
  ])('given %s, then refused (%s)', async (_, authorization, reason) => {
    expect(await verify(authorization, { 'prod-eu': [clusterTokenSha256(token)] })).toEqual({
      ok: false,
      reason,
    });
  });

  it('given a cluster the stage does not allow, then refused before any look-up', async () => {
    const other = newClusterToken('dev', randomBytes(32));
    const lookUp = jest.fn();
    expect(await verifyClusterToken(`Bearer ${other}`, allowed, lookUp)).toEqual({
      ok: false,
      reason: 'unknown-cluster',
      cluster: 'dev',
    });
    expect(lookUp).not.toHaveBeenCalled();
  });

  it('given no registered hash, a stored value with no valid hash, or another cluster’s token, then refused (fail closed)', async () => {
    expect(await verify(`Bearer ${token}`, {})).toMatchObject({ reason: 'no-registered-token' });
    expect(
      await verify(`Bearer ${token}`, { 'prod-eu': storedHashes('not-a-hash') }),
    ).toMatchObject({
      reason: 'no-registered-token',
    });
    const staging = newClusterToken('staging', randomBytes(32));
    const forged = `Bearer ${staging.replace('staging', 'prod-eu')}`;
    expect(
      await verify(forged, {
        'prod-eu': [clusterTokenSha256(token)],
        staging: [clusterTokenSha256(staging)],
      }),
    ).toMatchObject({ ok: false, reason: 'token-mismatch', cluster: 'prod-eu' });
  });

  it('given a failing look-up, then the error propagates (API Gateway answers 500; the webhook retries)', async () => {
    await expect(
      verifyClusterToken(`Bearer ${token}`, allowed, () =>
        Promise.reject(new Error('SSM throttled')),
      ),
    ).rejects.toThrow('SSM throttled');
  });
});

describe('dead letters', () => {
  const letter = (input: unknown) => ({
    origin: 'k8s.audit',
    reason: 'not-json',
    path: '',
    message: 'the body is not JSON',
    receivedAt: '2026-11-25T09:00:00.000Z',
    input,
  });

  it('given a small input, then one message holding it as it arrived', () => {
    expect(messagesOf(letter('{oops'), () => 'id').map((m) => JSON.parse(m) as unknown)).toEqual([
      letter('{oops'),
    ]);
  });

  it('given an input larger than a message, then pieces that fit and join back to the original', () => {
    const big = `{"kind":"EventList",${'"x":"é\\"",'.repeat(60_000)}`;
    const messages = messagesOf(letter(big), () => 'piece-id');
    expect(messages.length).toBeGreaterThan(1);
    expect(messages.every((m) => Buffer.byteLength(m) <= 256 * 1024)).toBe(true);
    const parsed = messages.map(
      (m) => JSON.parse(m) as { input: string; part: { id: string; index: number; of: number } },
    );
    expect(parsed.map((p) => p.part)).toEqual(
      parsed.map((_, index) => ({ id: 'piece-id', index, of: messages.length })),
    );
    expect(parsed.map((p) => p.input).join('')).toBe(big);
  });
});
