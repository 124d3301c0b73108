import { randomUUID } from 'node:crypto';
import type { LocalBuckets, ObjectVersion } from '../s3/local-buckets';
import { AwsServiceError } from './aws-errors';
import { decodeAwsChunked, xmlEscape, type AwsRequest, type AwsResponse } from './http-exchange';

const NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

/**
 * S3's REST protocol, path-style (`/bucket/key`), as far as the stack uses it: PutObject,
 * GetObject, HeadObject, DeleteObject, ListObjectsV2, GetBucketVersioning and
 * ListObjectVersions, with version ids on versioned buckets.
 */
export function handleS3(request: AwsRequest, buckets: LocalBuckets): AwsResponse {
  const requestId = randomUUID();
  const [, bucket = '', ...keyParts] = request.url.pathname.split('/');
  const key = decodeURIComponent(keyParts.join('/'));
  const query = request.url.searchParams;
  try {
    if (key === '') return bucketOperation(request.method, bucket, query, buckets, requestId);
    switch (request.method) {
      case 'PUT': {
        const encoding = String(request.headers['content-encoding'] ?? '');
        const body = encoding.includes('aws-chunked')
          ? decodeAwsChunked(request.body)
          : request.body;
        const metadata = Object.fromEntries(
          Object.entries(request.headers)
            .filter(([h]) => h.startsWith('x-amz-meta-'))
            .map(([h, v]) => [h.slice('x-amz-meta-'.length), String(v)]),
        );
        const contentType = request.headers['content-type'];
        const ifNoneMatch = request.headers['if-none-match'];
        if (ifNoneMatch !== undefined && ifNoneMatch !== '*')
          throw new AwsServiceError(
            'NotImplemented',
            'A header you provided implies functionality that is not implemented',
            501,
          );
        const version = buckets.put(bucket, key, body, {
          ...(contentType ? { contentType } : {}),
          metadata,
          ifNoneMatch: ifNoneMatch === '*',
        });
        return {
          status: 200,
          headers: {
            etag: version.etag,
            ...versionHeader(version, buckets.isVersioned(bucket)),
            'x-amz-request-id': requestId,
          },
          body: '',
        };
      }
      case 'GET':
      case 'HEAD': {
        const versionId = query.get('versionId') ?? undefined;
        const { version, body } =
          request.method === 'GET'
            ? buckets.get(bucket, key, versionId)
            : { version: buckets.head(bucket, key, versionId), body: Buffer.alloc(0) };
        const headers: Record<string, string> = {
          'content-type': version.contentType,
          'content-length': String(version.size),
          etag: version.etag,
          'last-modified': new Date(version.lastModified).toUTCString(),
          ...versionHeader(version, buckets.isVersioned(bucket)),
          'x-amz-request-id': requestId,
        };
        for (const [name, value] of Object.entries(version.metadata))
          headers[`x-amz-meta-${name}`] = value;
        if (version.retainUntil !== undefined && version.lockMode !== undefined) {
          headers['x-amz-object-lock-mode'] = version.lockMode;
          headers['x-amz-object-lock-retain-until-date'] = version.retainUntil;
        }
        return { status: 200, headers, body };
      }
      case 'DELETE': {
        const versionId = query.get('versionId');
        if (versionId !== null) {
          const removed = buckets.deleteVersion(bucket, key, versionId);
          return {
            status: 204,
            headers: {
              'x-amz-version-id': removed.versionId,
              ...(removed.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
              'x-amz-request-id': requestId,
            },
            body: '',
          };
        }
        const marker = buckets.delete(bucket, key);
        return {
          status: 204,
          headers: marker
            ? { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId }
            : {},
          body: '',
        };
      }
      default:
        throw new AwsServiceError(
          'MethodNotAllowed',
          `${request.method} is not supported on objects locally`,
          405,
        );
    }
  } catch (error) {
    if (!(error instanceof AwsServiceError)) throw error;
    const body =
      request.method === 'HEAD'
        ? ''
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(error.code)}</Code><Message>${xmlEscape(error.message)}</Message><Key>${xmlEscape(key)}</Key><RequestId>${requestId}</RequestId></Error>`;
    return {
      status: error.statusCode,
      headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
      body,
    };
  }
}

function bucketOperation(
  method: string,
  bucket: string,
  query: URLSearchParams,
  buckets: LocalBuckets,
  requestId: string,
): AwsResponse {
  if (method !== 'GET')
    throw new AwsServiceError(
      'NotImplemented',
      `${method} on a bucket is not supported locally`,
      501,
    );
  if (query.has('object-lock')) {
    const lock = buckets.objectLock(bucket);
    if (lock === undefined)
      throw new AwsServiceError(
        'ObjectLockConfigurationNotFoundError',
        'Object Lock configuration does not exist for this bucket',
        404,
      );
    return xml(
      `<ObjectLockConfiguration xmlns="${NAMESPACE}"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>${lock.mode}</Mode><Days>${lock.days}</Days></DefaultRetention></Rule></ObjectLockConfiguration>`,
      requestId,
    );
  }
  if (query.has('versioning')) {
    const status = buckets.isVersioned(bucket) ? '<Status>Enabled</Status>' : '';
    return xml(
      `<VersioningConfiguration xmlns="${NAMESPACE}">${status}</VersioningConfiguration>`,
      requestId,
    );
  }
  if (query.has('versions')) {
    const keyMarker = query.get('key-marker') ?? '';
    const entries = buckets
      .versions(bucket, query.get('prefix') ?? '')
      .filter((v) => v.key > keyMarker)
      .map((v, i, all) => {
        const isLatest = all.findIndex((o) => o.key === v.key) === i;
        const common = `<Key>${xmlEscape(v.key)}</Key><VersionId>${v.versionId}</VersionId><IsLatest>${isLatest}</IsLatest><LastModified>${v.lastModified}</LastModified>`;
        return v.deleteMarker
          ? `<DeleteMarker>${common}</DeleteMarker>`
          : `<Version>${common}<ETag>${xmlEscape(v.etag)}</ETag><Size>${v.size}</Size><StorageClass>STANDARD</StorageClass></Version>`;
      })
      .join('');
    return xml(
      `<ListVersionsResult xmlns="${NAMESPACE}"><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(query.get('prefix') ?? '')}</Prefix><IsTruncated>false</IsTruncated>${entries}</ListVersionsResult>`,
      requestId,
    );
  }
  const prefix = query.get('prefix') ?? '';
  const maxKeys = Number(query.get('max-keys') ?? 1000);
  const startAfter = query.get('continuation-token') ?? query.get('start-after') ?? '';
  const { objects, truncated } = buckets.list(bucket, prefix, startAfter, maxKeys);
  const contents = objects
    .map(
      (o: ObjectVersion) =>
        `<Contents><Key>${xmlEscape(o.key)}</Key><LastModified>${o.lastModified}</LastModified><ETag>${xmlEscape(o.etag)}</ETag><Size>${o.size}</Size><StorageClass>STANDARD</StorageClass></Contents>`,
    )
    .join('');
  const next = truncated
    ? `<NextContinuationToken>${xmlEscape(objects.at(-1)?.key ?? '')}</NextContinuationToken>`
    : '';
  return xml(
    `<ListBucketResult xmlns="${NAMESPACE}"><Name>${xmlEscape(bucket)}</Name><Prefix>${xmlEscape(prefix)}</Prefix><KeyCount>${objects.length}</KeyCount><MaxKeys>${maxKeys}</MaxKeys><IsTruncated>${truncated}</IsTruncated>${next}${contents}</ListBucketResult>`,
    requestId,
  );
}

function versionHeader(version: ObjectVersion, versioned: boolean): Record<string, string> {
  return versioned ? { 'x-amz-version-id': version.versionId } : {};
}

function xml(body: string, requestId: string): AwsResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', 'x-amz-request-id': requestId },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
  };
}
