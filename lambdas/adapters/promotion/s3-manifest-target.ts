import {
  GetObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { sha256Hex } from '../../core/canonical-json';
import type { BundleRef } from '../../core/promotion/admission';
import type { StageName } from '../../core/promotion/stages';
import {
  ensureAdmitted,
  ownedFiles,
  type AppliedPart,
  type ApplyRequest,
  type PromotionTarget,
  type TargetBundle,
} from '../../core/promotion/targets';
import { CallCounter, parseBundleJson } from './target-apply-error';

const NAME = 's3-manifests';
const PREFIXES = ['kubernetes/', 'vault/'];
/** Puts in flight at once: enough to keep a 2,000-service bundle quick, few enough for S3's per-prefix rate. */
const PUT_CONCURRENCY = 16;

/** The per-stage object Argo CD or Flux reads to learn which bundle to sync. */
export interface CurrentPointer {
  readonly stage: StageName;
  readonly bundle: BundleRef;
  /** Where the bundle's files are: `<prefix><path>` for each path of `files`. */
  readonly prefix: string;
  readonly files: Readonly<Record<string, string>>;
}

export interface S3ManifestTargetDeps {
  /** Each stage has its own bucket (in its own account), which its GitOps controller pulls from. */
  readonly locationFor: (stage: StageName) => {
    readonly client: S3Client;
    readonly bucket: string;
  };
}

/**
 * Writes the bundle's Kubernetes and Vault artifacts content-addressed, under
 * `manifests/bundles/<bundle sha256>/`, objects never rewritten once there; then, last, the
 * stage's `manifests/stages/<stage>/current.json` pointer, so a controller never sees a
 * half-written bundle. Reading back hashes the objects the pointer names, as stored.
 */
export class S3ManifestTarget implements PromotionTarget {
  readonly name = NAME;
  readonly ownedPrefixes = PREFIXES;

  constructor(private readonly deps: S3ManifestTargetDeps) {}

  async apply(request: ApplyRequest): Promise<AppliedPart> {
    ensureAdmitted(NAME, request);
    const { client, bucket } = this.deps.locationFor(request.stage);
    const counter = new CallCounter();
    const prefix = `manifests/bundles/${request.bundle.ref.bundleSha256}/`;
    const files = ownedFiles(request.bundle, PREFIXES);
    const present = await listKeys(client, bucket, prefix, counter);
    const missing = files.filter(([path]) => !present.has(`${prefix}${path}`));
    for (let start = 0; start < missing.length; start += PUT_CONCURRENCY) {
      await Promise.all(
        missing.slice(start, start + PUT_CONCURRENCY).map(([path, content]) =>
          counter.count(() =>
            client.send(
              new PutObjectCommand({
                Bucket: bucket,
                Key: `${prefix}${path}`,
                Body: content,
                ContentType: path.endsWith('.yaml') ? 'application/yaml' : 'text/plain',
                Metadata: { 'ward-sha256': sha256Hex(content) },
              }),
            ),
          ),
        ),
      );
    }
    const pointer: CurrentPointer = {
      stage: request.stage,
      bundle: request.bundle.ref,
      prefix,
      files: Object.fromEntries(files.map(([path, content]) => [path, sha256Hex(content)])),
    };
    const body = `${JSON.stringify(pointer, null, 2)}\n`;
    if ((await readObject(client, bucket, pointerKey(request.stage), counter)) !== body) {
      await counter.count(() =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: pointerKey(request.stage),
            Body: body,
            ContentType: 'application/json',
          }),
        ),
      );
    }
    return {
      target: NAME,
      stage: request.stage,
      bundle: request.bundle.ref,
      paths: files.map(([path]) => path),
      calls: counter.calls,
    };
  }

  /** Hashes of the objects the stage's pointer names; `expected` is not needed to read S3 back. */
  async readBack(stage: StageName, _expected: TargetBundle): Promise<Record<string, string>> {
    const pointer = await this.current(stage);
    if (pointer === undefined) return {};
    const { client, bucket } = this.deps.locationFor(stage);
    const counter = new CallCounter();
    const hashes: Record<string, string> = {};
    const paths = Object.keys(pointer.files).sort();
    for (let start = 0; start < paths.length; start += PUT_CONCURRENCY) {
      await Promise.all(
        paths.slice(start, start + PUT_CONCURRENCY).map(async (path) => {
          const body = await readObject(client, bucket, `${pointer.prefix}${path}`, counter);
          if (body !== undefined) hashes[path] = sha256Hex(body);
        }),
      );
    }
    return hashes;
  }

  /** The stage's current pointer, or undefined before anything was promoted to it. */
  async current(stage: StageName): Promise<CurrentPointer | undefined> {
    const { client, bucket } = this.deps.locationFor(stage);
    const body = await readObject(client, bucket, pointerKey(stage), new CallCounter());
    return body === undefined
      ? undefined
      : parseBundleJson<CurrentPointer>(NAME, pointerKey(stage), body);
  }
}

export function pointerKey(stage: StageName): string {
  return `manifests/stages/${stage}/current.json`;
}

async function listKeys(
  client: S3Client,
  bucket: string,
  prefix: string,
  counter: CallCounter,
): Promise<Set<string>> {
  const keys = new Set<string>();
  let token: string | undefined;
  do {
    const page = await counter.count(() =>
      client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
      ),
    );
    for (const object of page.Contents ?? []) if (object.Key !== undefined) keys.add(object.Key);
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}

async function readObject(
  client: S3Client,
  bucket: string,
  key: string,
  counter: CallCounter,
): Promise<string | undefined> {
  try {
    const object = await counter.count(() =>
      client.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
    );
    return await object.Body?.transformToString('utf8');
  } catch (error) {
    if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey')
      return undefined;
    throw error;
  }
}
