import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { parseChange } from '../../lambdas/core/rules/change';
import { apiClientFor, type ProposalBody } from '../api-client';
import { renderProposed } from '../approval-render';
import { ExitCode, type CliIo } from '../io';
import { collect } from '../local-tokens';
import { formatOption } from '../options';
import { json } from '../render';
import { UsageError } from '../rule-source';

/** The API's limit on a justification, checked here so nothing is sent that it would refuse. */
export const MAX_REASON = 2_000;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

export interface RequestOptions {
  readonly from?: string;
  readonly to: readonly string[];
  readonly port: readonly string[];
  readonly service?: string;
  readonly egress: readonly string[];
  readonly grant: readonly string[];
  readonly capability: readonly string[];
  readonly reason?: string;
}

/**
 * The proposal a `ward request` command line asks for, checked as the API would check it
 * (core's own schemas, so the words are the same), before anything is sent. A command line
 * that does not say what to ask for, or says it inconsistently, is a usage error.
 */
export function requestBody(options: RequestOptions): ProposalBody {
  const reason = options.reason?.trim() ?? '';
  if (reason === '')
    throw new UsageError('--reason is required: say why this access is needed (approvers read it)');
  if (reason.length > MAX_REASON)
    throw new UsageError(
      `--reason is ${reason.length} characters; the API takes at most ${MAX_REASON}`,
    );
  if (options.to.length === 0 && options.egress.length === 0 && options.grant.length === 0)
    throw new UsageError(
      'say what access to ask for: --from A --to B (a call), --service A --egress HOST[:PORT] (an internet host) or --service A --grant PATH (a secret)',
    );
  if ((options.from === undefined) !== (options.to.length === 0))
    throw new UsageError(
      '--from and --to go together: --from the caller --to the service it calls',
    );
  if (
    (options.service === undefined) !==
    (options.egress.length === 0 && options.grant.length === 0)
  )
    throw new UsageError(
      '--service goes with --egress or --grant: --service names the service that needs the host or secret',
    );
  if (options.port.length > 0 && options.to.length === 0)
    throw new UsageError('--port narrows a call: give it with --from and --to');
  if (options.capability.length > 0 && options.grant.length === 0)
    throw new UsageError('--capability goes with --grant');
  const add = {
    ingress: options.to.map((to) => ({
      from: options.from,
      to,
      ports: options.port.map(portSpec),
    })),
    egress: options.egress.map((target) => ({ service: options.service, ...hostAndPort(target) })),
    grants: options.grant.map((path) => ({
      service: options.service,
      path,
      ...(options.capability.length > 0 ? { capabilities: [...options.capability] } : {}),
    })),
  };
  // Core's parser names the offending rule and field (RuleSetValidationError, exit 1).
  parseChange({ add });
  const nonEmpty = Object.fromEntries(Object.entries(add).filter(([, rules]) => rules.length > 0));
  return { add: nonEmpty, justification: reason };
}

/** `8080` or `8080/UDP`. */
function portSpec(value: string): { port: number; protocol?: string } {
  const match = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(value);
  if (match === null)
    throw new UsageError(
      `--port must be a port number, optionally with /TCP, /UDP or /SCTP, not "${value}"`,
    );
  return {
    port: Number(match[1]),
    ...(match[2] !== undefined ? { protocol: match[2].toUpperCase() } : {}),
  };
}

/** `api.stripe.com` (port 443) or `fps.example.com:8443`. */
function hostAndPort(value: string): { host: string; port?: number } {
  const match = /^(.+):(\d{1,5})$/.exec(value);
  return match === null ? { host: value } : { host: match[1] ?? '', port: Number(match[2]) };
}

/** `ward request`: asks for access; the owning teams approve it. */
export function registerApprovalRequest(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('request')
    .description('ask for access: a call to a service, an internet host, or a secret')
    .option('--from <service>', 'the service that calls')
    .option('--to <service>', 'the service it calls (repeatable)', collect, [])
    .option(
      '--port <port>',
      'only this port of the callee, e.g. 8080 or 53/UDP (repeatable; default any)',
      collect,
      [],
    )
    .option('--service <service>', 'the service that needs the internet host or secret')
    .option(
      '--egress <host>',
      'an internet host, HOST or HOST:PORT (default port 443; repeatable)',
      collect,
      [],
    )
    .option('--grant <path>', 'a Vault path, e.g. secret/data/shared/x/* (repeatable)', collect, [])
    .option(
      '--capability <capability>',
      'what the grant allows (repeatable; default read)',
      collect,
      [],
    )
    .option('--reason <text>', 'why the access is needed: approvers read it (required)')
    .option(
      '--idempotency-key <key>',
      'send again with the same key to get the same change back (default: a new key, reused for retries)',
    )
    .addOption(formatOption())
    .addHelpText(
      'after',
      `
Examples:
  ward request --from service.feed --to service.ledger --reason "show balances in the feed"
  ward request --service service.payments --egress api.stripe.com --reason "card payments"
  ward request --service service.fraud --grant 'secret/data/shared/models/*' --reason "..."`,
    )
    .action(async (options: RequestOptions & { idempotencyKey?: string; format: string }) => {
      const body = requestBody(options);
      const key = options.idempotencyKey ?? `ward-request-${randomUUID()}`;
      if (!IDEMPOTENCY_KEY.test(key))
        throw new UsageError(
          '--idempotency-key: use 8 to 128 letters, digits, "_", ".", ":" or "-"',
        );
      const view = await apiClientFor(io).propose(body, key);
      io.stdout(options.format === 'json' ? json(view) : renderProposed(io, view));
      done(ExitCode.ok);
    });
}
