import {
  GetIPSetCommand,
  ListIPSetsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateIPSetCommand,
  WAFNonexistentItemException,
  WAFOptimisticLockException,
  type IPSetSummary,
  type WAFV2Client,
} from '@aws-sdk/client-wafv2';
import { FLEET_BREAK_GLASS_NAME_PREFIX } from '../../contracts/break-glass';
import {
  WafIpSetMissingError,
  type WafAllowTarget,
  type WafIpSetChange,
  type WafIpSetState,
} from '../../core/break-glass/ports';

/** Break glass writes REGIONAL web ACLs' IP sets only; CLOUDFRONT ones live in us-east-1. */
const SCOPE = 'REGIONAL';

export interface WafV2AllowTargetDeps {
  /**
   * A client signed as `ward-break-glass-apply` in the stage's fleet account (the stage's
   * Region), in a session of this name: one per grant, so the fleet account's CloudTrail names it.
   */
  readonly clientFor: (sessionName: string) => WAFV2Client;
  /** Attempts when other grants (or promotion) keep changing the set. @default 8 */
  readonly maxLockAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** WAF kept refusing the write, or answered without what it must return. */
export class WafAllowError extends Error {
  override readonly name = 'WafAllowError';
}

/**
 * Break glass's WAF target: reads a `ward-bg-` IP set with its lock token and its tags, and
 * writes what the core decided: tags (TagResource), then the addresses (UpdateIPSet under that
 * lock token), then the tags to remove (UntagResource). Several grants may race on one set:
 * a WAFOptimisticLockException means another writer got in between, so it reads and decides
 * again. It never creates, deletes or references an IP set: promotion creates them.
 */
export class WafV2AllowTarget implements WafAllowTarget {
  constructor(private readonly deps: WafV2AllowTargetDeps) {}

  async modify(
    session: string,
    name: string,
    decide: (state: WafIpSetState) => Promise<WafIpSetChange | undefined>,
  ): Promise<void> {
    await this.session(session, async (client) => {
      const summary = (await ipSets(client)).find((s) => s.Name === name);
      if (summary?.Id === undefined || summary.ARN === undefined) throw missing(name);
      const { Id: id, ARN: arn } = summary;
      const attempts = Math.max(1, this.deps.maxLockAttempts ?? 8);
      for (let attempt = 1; ; attempt += 1) {
        const got = await client
          .send(new GetIPSetCommand({ Name: name, Scope: SCOPE, Id: id }))
          .catch((error: unknown) => {
            throw error instanceof WAFNonexistentItemException ? missing(name) : error;
          });
        if (got.LockToken === undefined || got.IPSet === undefined)
          throw new WafAllowError(`IP set ${name} came back without its lock token`);
        const change = await decide({
          name,
          addresses: got.IPSet.Addresses ?? [],
          tags: await tagsOf(client, arn),
        });
        if (change === undefined) return;
        const tags = Object.entries(change.tag ?? {}).map(([Key, Value]) => ({ Key, Value }));
        if (tags.length > 0)
          await client.send(new TagResourceCommand({ ResourceARN: arn, Tags: tags }));
        if (change.addresses !== undefined) {
          try {
            await client.send(
              new UpdateIPSetCommand({
                Name: name,
                Scope: SCOPE,
                Id: id,
                LockToken: got.LockToken,
                Addresses: [...change.addresses],
                // UpdateIPSet replaces every setting: the description promotion gave is kept.
                ...(got.IPSet.Description !== undefined
                  ? { Description: got.IPSet.Description }
                  : {}),
              }),
            );
          } catch (error) {
            if (!(error instanceof WAFOptimisticLockException)) throw error;
            if (attempt >= attempts)
              throw new WafAllowError(
                `IP set ${name} kept changing under us; gave up after ${attempt} attempts`,
                { cause: error },
              );
            await (this.deps.sleep ?? delay)(10 * attempt + Math.floor(Math.random() * 20));
            continue;
          }
        }
        if (change.untag !== undefined && change.untag.length > 0)
          await client.send(
            new UntagResourceCommand({ ResourceARN: arn, TagKeys: [...change.untag] }),
          );
        return;
      }
    });
  }

  async list(session: string): Promise<string[]> {
    return this.session(session, async (client) =>
      (await ipSets(client))
        .map((s) => s.Name ?? '')
        .filter((n) => n.startsWith(FLEET_BREAK_GLASS_NAME_PREFIX))
        .sort(),
    );
  }

  private async session<T>(name: string, work: (client: WAFV2Client) => Promise<T>): Promise<T> {
    const client = this.deps.clientFor(name.slice(0, 64));
    try {
      return await work(client);
    } finally {
      client.destroy();
    }
  }
}

const missing = (name: string) =>
  new WafIpSetMissingError(
    `there is no IP set ${name} (${SCOPE}) in the fleet account: the endpoint was never promoted there, or its web ACL is not REGIONAL`,
  );

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function ipSets(client: WAFV2Client): Promise<IPSetSummary[]> {
  const items: IPSetSummary[] = [];
  let marker: string | undefined;
  let size = 0;
  do {
    const page = await client.send(
      new ListIPSetsCommand({
        Scope: SCOPE,
        Limit: 100,
        ...(marker !== undefined ? { NextMarker: marker } : {}),
      }),
    );
    size = page.IPSets?.length ?? 0;
    items.push(...(page.IPSets ?? []));
    marker = page.NextMarker;
    // WAF may return a marker with the last page too; a page short of the limit ends it.
  } while (marker !== undefined && size === 100);
  return items;
}

async function tagsOf(client: WAFV2Client, arn: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let marker: string | undefined;
  do {
    const page = await client.send(
      new ListTagsForResourceCommand({
        ResourceARN: arn,
        Limit: 100,
        ...(marker !== undefined ? { NextMarker: marker } : {}),
      }),
    );
    for (const tag of page.TagInfoForResource?.TagList ?? [])
      if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    marker = page.NextMarker;
  } while (marker !== undefined && marker !== '');
  return tags;
}
