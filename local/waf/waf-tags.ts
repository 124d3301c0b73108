import { AwsServiceError } from '../aws-endpoint/aws-errors';
import { invalid } from './waf-capacity';

/**
 * Tags of the WAFv2 stand-in's resources, by ARN, with WAF's validation: keys 1-128 and values
 * 0-256 characters of letters, digits, spaces and `_ . : / = + - @`, no `aws:` keys, at most
 * 50 tags per resource (WAFLimitsExceededException past it), and TagResource, UntagResource
 * and ListTagsForResource answering as WAF does.
 */

/** WAF's most tags on one resource. */
export const WAF_TAGS_PER_RESOURCE = 50;
const ALLOWED = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export interface WafTag {
  readonly Key: string;
  readonly Value: string;
}

export class WafTagStore {
  private readonly byArn = new Map<string, Map<string, string>>();

  /** Checks `Tags` as CreateX and TagResource take them; throws WAF's exception when wrong. */
  parse(tags: unknown): WafTag[] {
    if (tags === undefined) return [];
    if (!Array.isArray(tags) || tags.length === 0)
      throw invalid('TAGS', 'Tags must be a list of 1 or more tags');
    return tags.map((tag) => {
      const { Key: key, Value: value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
      if (typeof key !== 'string' || key.length < 1 || key.length > 128 || !ALLOWED.test(key))
        throw invalid('TAG_KEY', `tag key ${String(key)} must be 1 to 128 allowed characters`);
      if (key.toLowerCase().startsWith('aws:'))
        throw invalid('TAG_KEY', `tag keys starting with aws: are reserved: ${key}`);
      if (typeof value !== 'string' || value.length > 256 || !ALLOWED.test(value))
        throw invalid('TAG_VALUE', `tag value of ${key} must be 0 to 256 allowed characters`);
      return { Key: key, Value: value };
    });
  }

  /** Adds or replaces tags; refuses, changing nothing, when the resource would pass 50. */
  tag(arn: string, tags: readonly WafTag[]): void {
    const current = this.byArn.get(arn) ?? new Map<string, string>();
    const keys = new Set([...current.keys(), ...tags.map((t) => t.Key)]);
    if (keys.size > WAF_TAGS_PER_RESOURCE)
      throw new AwsServiceError(
        'WAFLimitsExceededException',
        `AWS WAF couldn't perform the operation because you exceeded your resource limit: ${keys.size} tags, over ${WAF_TAGS_PER_RESOURCE} per resource`,
      );
    for (const { Key, Value } of tags) current.set(Key, Value);
    this.byArn.set(arn, current);
  }

  untag(arn: string, keys: unknown): void {
    if (!Array.isArray(keys) || keys.length === 0 || keys.length > WAF_TAGS_PER_RESOURCE)
      throw invalid('TAG_KEYS', `TagKeys must list 1 to ${WAF_TAGS_PER_RESOURCE} keys`);
    const current = this.byArn.get(arn);
    for (const key of keys) current?.delete(String(key));
  }

  /** One page of the resource's tags, in key order. */
  list(arn: string, input: Record<string, unknown>) {
    const limit = typeof input.Limit === 'number' ? input.Limit : 100;
    if (limit < 1 || limit > 100) throw invalid('LIMIT', 'must be 1 to 100');
    const start = typeof input.NextMarker === 'string' ? Number(input.NextMarker) : 0;
    const all = [...(this.byArn.get(arn) ?? new Map<string, string>())]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([Key, Value]) => ({ Key, Value }));
    return {
      TagInfoForResource: { ResourceARN: arn, TagList: all.slice(start, start + limit) },
      ...(start + limit < all.length ? { NextMarker: String(start + limit) } : {}),
    };
  }

  forget(arn: string): void {
    this.byArn.delete(arn);
  }
}
