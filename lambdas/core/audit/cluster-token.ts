import { createHash, timingSafeEqual } from 'node:crypto';
import { CLUSTER_TOKEN_PREFIX, ClusterNameSchema } from '../../contracts/audit-ingest';

/** Why a Kubernetes audit webhook call was refused; logged, never told to the caller. */
export type ClusterTokenRefusal =
  'no-token' | 'malformed-token' | 'unknown-cluster' | 'no-registered-token' | 'token-mismatch';

export type ClusterTokenVerdict =
  | { readonly ok: true; readonly cluster: string }
  | { readonly ok: false; readonly reason: ClusterTokenRefusal; readonly cluster?: string };

const SECRET = /^[A-Za-z0-9_-]{43}$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** A new token for `cluster` from 32 random bytes: what the webhook's kubeconfig carries. */
export function newClusterToken(cluster: string, random: Buffer): string {
  if (random.length !== 32) throw new RangeError('a cluster token needs 32 random bytes');
  return `${CLUSTER_TOKEN_PREFIX}.${ClusterNameSchema.parse(cluster)}.${random.toString('base64url')}`;
}

/** The hash kept for a token (lowercase hex SHA-256 of the whole token). */
export function clusterTokenSha256(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The stored value's hashes: one, or two while a token is rotated; anything else is dropped. */
export function storedHashes(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => SHA256_HEX.test(part));
}

/** The cluster a presented Authorization value claims to be, if it is shaped like a token. */
export function claimedCluster(
  authorization: string | undefined,
): { token: string; cluster: string } | ClusterTokenRefusal {
  if (authorization === undefined || authorization.trim() === '') return 'no-token';
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (match === null) return 'malformed-token';
  const token = match[1] ?? '';
  const [prefix, cluster, secret, ...rest] = token.split('.');
  if (
    prefix !== CLUSTER_TOKEN_PREFIX ||
    rest.length > 0 ||
    !ClusterNameSchema.safeParse(cluster).success ||
    !SECRET.test(secret ?? '')
  )
    return 'malformed-token';
  return { token, cluster: cluster! };
}

/**
 * Decides a webhook call: the token must be well formed, name a cluster the stage allows, and
 * hash to one of the hashes registered for that cluster. Hashes are compared with
 * `timingSafeEqual` on fixed-length digests, all of them every time, so neither the time taken
 * nor the token's length tells a caller how close it came. Fails closed: no registered hash,
 * or a stored value with no valid hash, refuses.
 */
export async function verifyClusterToken(
  authorization: string | undefined,
  allowedClusters: ReadonlySet<string>,
  registeredHashes: (cluster: string) => Promise<readonly string[] | undefined>,
): Promise<ClusterTokenVerdict> {
  const claimed = claimedCluster(authorization);
  if (typeof claimed === 'string') return { ok: false, reason: claimed };
  const { token, cluster } = claimed;
  if (!allowedClusters.has(cluster)) return { ok: false, reason: 'unknown-cluster', cluster };
  const hashes = (await registeredHashes(cluster)) ?? [];
  const valid = hashes.filter((hash) => SHA256_HEX.test(hash));
  if (valid.length === 0) return { ok: false, reason: 'no-registered-token', cluster };
  const presented = createHash('sha256').update(token, 'utf8').digest();
  let matched = false;
  for (const hash of valid)
    matched = timingSafeEqual(presented, Buffer.from(hash, 'hex')) || matched;
  return matched ? { ok: true, cluster } : { ok: false, reason: 'token-mismatch', cluster };
}
