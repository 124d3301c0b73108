import type { Command } from 'commander';
import { kmsSignatureCheck } from '../../lambdas/adapters/audit/kms-digest-signer';
import { auditArchiveKeys } from '../../lambdas/contracts/audit-archive';
import {
  verifyArchive,
  type ArchiveProblem,
  type VerificationReport,
} from '../../lambdas/core/audit/archive-verifier';
import {
  archiveLocationOptions,
  archiveSource,
  batchPrefix,
  digestPrefix,
  type ArchiveLocationOptions,
} from '../audit-archive-source';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { paint } from '../render';
import { UsageError } from '../rule-source';
import { parseDuration } from './audit-search';

interface VerifyOptions extends ArchiveLocationOptions {
  from?: string;
  to?: string;
  format: string;
  digestGrace: string;
  settle: string;
}

/** `--from`/`--to`: a batch number, or a time (batches sealed from / until then). */
function bound(value: string | undefined, name: string): number | Date | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const time = new Date(value);
  if (Number.isNaN(time.getTime()))
    throw new UsageError(`${name} must be a batch number or an ISO time, not "${value}"`);
  return time;
}

/** `ward audit verify`: re-reads the archive and exits 0 only when the chain is whole. */
export function registerAuditVerify(
  audit: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  archiveLocationOptions(
    audit
      .command('verify')
      .description(
        're-read the audit archive: every batch, link, digest signature and producer sequence',
      ),
  )
    .option('--from <batch|time>', 'first batch to check (number or ISO time; default: the first)')
    .option('--to <batch|time>', 'last batch to check (number or ISO time; default: the last)')
    .option('--digest-grace <duration>', 'how old a batch may be without a digest', '30m')
    .option('--settle <duration>', 'how long a producer gap may be events in flight', '15m')
    .addOption(formatOption())
    .action(async (options: VerifyOptions) => {
      const from = bound(options.from, '--from');
      const to = bound(options.to, '--to');
      const now = new Date();
      const source = await archiveSource(io, options);
      const [allBatches, digests, history] = await Promise.all([
        source.store.list(batchPrefix(source.stream)),
        source.store.list(digestPrefix(source.stream)),
        source.store.history(''),
      ]);
      const numberOf = (key: string) => Number(auditArchiveKeys.batchPattern.exec(key)?.[2] ?? -1);
      const sealedAt = (text: string) =>
        Date.parse((/"sealedAt":"([^"]+)"/.exec(text.slice(0, 1000)) ?? [])[1] ?? '');
      const inRange = (
        b: { key: string; text: string },
        limit: number | Date | undefined,
        after: boolean,
      ) =>
        limit === undefined ||
        (typeof limit === 'number'
          ? after
            ? numberOf(b.key) >= limit
            : numberOf(b.key) <= limit
          : after
            ? sealedAt(b.text) >= limit.getTime()
            : sealedAt(b.text) <= limit.getTime());
      const batches = allBatches.filter((b) => inRange(b, from, true) && inRange(b, to, false));
      const firstBatch =
        from === undefined ? 0 : batches.length > 0 ? numberOf(batches[0]!.key) : 0;
      const lastBatch =
        to === undefined
          ? undefined
          : batches.length > 0
            ? numberOf(batches.at(-1)!.key)
            : undefined;
      const check = await kmsSignatureCheck({ client: source.kms, keyId: source.keyId });
      const report = verifyArchive({
        batches,
        digests,
        // Batch keys outside the range are not this run's business; digests are read whole.
        history: history.filter((h) => {
          const number = numberOf(h.key);
          return (
            number < 0 || (number >= firstBatch && (lastBatch === undefined || number <= lastBatch))
          );
        }),
        checkSignature: check,
        firstBatch,
        ...(lastBatch !== undefined ? { lastBatch } : {}),
        now,
        digestGraceMs: parseDuration(options.digestGrace, '--digest-grace'),
        sequenceSettleMs: parseDuration(options.settle, '--settle'),
      });
      if (options.format === 'json')
        io.stdout(
          `${JSON.stringify({ bucket: source.bucket, stream: source.stream, firstBatch, ...report }, null, 2)}\n`,
        );
      else io.stdout(renderReport(io, source.bucket, source.stream, report));
      done(report.whole ? ExitCode.ok : ExitCode.refused);
    });
}

function renderReport(
  io: CliIo,
  bucket: string,
  stream: string,
  report: VerificationReport,
): string {
  const counts = `${report.batches} batches, ${report.events} events, ${report.digests} signed digests`;
  const unsequenced = Object.entries(report.unsequenced)
    .map(([source, count]) => `${source} (${count})`)
    .join(', ');
  const note = unsequenced === '' ? '' : `  events without a producer sequence: ${unsequenced}\n`;
  if (report.whole)
    return `${paint(io, 'green', 'whole')}: s3://${bucket} stream ${stream}: ${counts}\n${note}`;
  return (
    `${paint(io, 'red', 'BROKEN')}: s3://${bucket} stream ${stream}: ${counts}, ${report.problems.length} problem(s)\n` +
    report.problems.map((p) => `  ${describe(p)}\n`).join('') +
    note
  );
}

/** One line per problem, saying what is wrong and where. */
export function describe(problem: ArchiveProblem): string {
  switch (problem.kind) {
    case 'missing-batch':
      return `missing batch ${problem.number} of stream ${problem.stream}`;
    case 'altered-batch':
      return `altered batch ${problem.number}: ${problem.message}`;
    case 'reordered-batch':
      return `reordered: ${problem.key} holds batch ${problem.foundNumber} of stream ${problem.foundStream}`;
    case 'broken-link':
      return `broken link: batch ${problem.number} does not name batch ${problem.number - 1}’s hash`;
    case 'malformed-batch':
      return `malformed batch ${problem.key}: ${problem.message}`;
    case 'overwritten-object':
      return `overwritten: ${problem.key} has ${problem.versions} versions (written once by Ward)`;
    case 'deleted-object':
      return `deleted: ${problem.key} is hidden by a delete marker (its locked version remains)`;
    case 'malformed-digest':
      return `malformed digest ${problem.key}: ${problem.message}`;
    case 'bad-signature':
      return `bad signature on digest ${problem.digest}`;
    case 'missing-digest':
      return problem.digest !== undefined
        ? `missing digest ${problem.digest}`
        : `no signed digest covers batch(es) ${problem.batches?.join(', ')}`;
    case 'broken-digest-link':
      return `broken digest link: digest ${problem.digest} does not name digest ${problem.digest - 1}’s hash`;
    case 'sequence-gap':
      return `sequence gap: producer ${problem.producer} is missing ${problem.missing.map((m) => (m.from === m.to ? `${m.from}` : `${m.from}-${m.to}`)).join(', ')}`;
    case 'duplicate-sequence':
      return `duplicate sequence: producer ${problem.producer} number ${problem.number} on events ${problem.eventIds.join(', ')}`;
  }
}
