import { Command, CommanderError } from 'commander';
import { CompilationError } from '../lambdas/core/compile/bundle';
import { FleetValidationError, formatFleetProblem } from '../lambdas/core/fleet/fleet-files';
import {
  RegistryBusyError,
  RegistryCorruptError,
  RuleSetConflictError,
} from '../lambdas/adapters/registry';
import { RuleSetValidationError } from '../lambdas/core/rules/problems';
import { RpcmapConfigError } from '../rpcmap/config';
import { RpcmapGitError } from '../rpcmap/scan/git-base';
import { RpcmapRootError } from '../rpcmap/scan/scan';
import { registerAlerts } from './commands/alerts';
import { registerBreakGlass } from './commands/break-glass';
import { registerAuditSearch } from './commands/audit-search';
import { registerAuditTail } from './commands/audit-tail';
import { registerAuditVerify } from './commands/audit-verify';
import { registerApprovalApprove } from './commands/approval-approve';
import { registerApprovalChanges } from './commands/approval-changes';
import { registerApprovalLogin } from './commands/approval-login';
import { registerApprovalLogout } from './commands/approval-logout';
import { registerApprovalReject } from './commands/approval-reject';
import { registerApprovalRequest } from './commands/approval-request';
import { registerApprovalShow } from './commands/approval-show';
import { registerApprovalWhoami } from './commands/approval-whoami';
import { registerApprovalWithdraw } from './commands/approval-withdraw';
import { registerCompile } from './commands/compile';
import { registerPipeline } from './commands/pipeline';
import { registerPromote } from './commands/promote';
import { registerRollback } from './commands/rollback';
import { registerBundleShow } from './commands/bundle-show';
import { registerFleetGenerate } from './commands/fleet-generate';
import { registerK8sAuditRegister } from './commands/k8s-audit-register';
import { registerLocalActivity } from './commands/local-activity';
import { registerLocalStatus } from './commands/local-status';
import { registerLocalTestPattern } from './commands/local-test-pattern';
import { registerLocalToken } from './commands/local-token';
import { registerLocalUp } from './commands/local-up';
import { registerRegistryImport } from './commands/registry-import';
import { registerRulesExport } from './commands/rules-export';
import { registerRpcmapCheck } from './commands/rpcmap-check';
import { registerRpcmapDiff } from './commands/rpcmap-diff';
import { registerRpcmapPropose } from './commands/rpcmap-propose';
import { registerRpcmapScan } from './commands/rpcmap-scan';
import { registerValidate } from './commands/validate';
import { JavaMissingError } from '../local/dynamodb-local';
import { PortInUseError } from '../local/runtime/ports';
import { NoRuntimeError } from '../local/runtime/state-file';
import { OutputDirectoryError } from './fleet/write-dir';
import { ApiRefusedError, ApiUnreachableError } from './api-client';
import { BreakGlassRefusedCliError } from './break-glass-client';
import { NotLoggedInError } from './credentials';
import { ExitCode, type CliIo } from './io';
import { UsageError } from './rule-source';

/**
 * Runs one `ward` command line and returns its exit code. Errors are turned into a message on
 * stderr and a code here, once, so commands only throw.
 */
export async function runWard(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.ok;
  const done = (code: ExitCode) => {
    exitCode = code;
  };
  const program = new Command('ward')
    .description('Ward: zero-trust access control for a fleet of services')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');

  registerValidate(program, io, done);
  registerCompile(program, io, done);
  registerRulesExport(program.command('rules').description('read and export rule sets'), io, done);
  registerFleetGenerate(program.command('fleet').description('tools for fleets'), io, done);
  registerRegistryImport(
    program.command('registry').description('the rule registry table'),
    io,
    done,
  );
  const rpcmap = program
    .command('rpcmap')
    .description('find the calls between services in Go code, and check them against the rules');
  registerRpcmapScan(rpcmap, io, done);
  registerRpcmapDiff(rpcmap, io, done);
  registerRpcmapCheck(rpcmap, io, done);
  registerRpcmapPropose(rpcmap, io, done);
  const local = program.command('local').description('Ward on this machine: the local runtime');
  registerLocalUp(local, io, done);
  registerLocalStatus(local, io, done);
  registerLocalActivity(local, io, done);
  registerLocalToken(local, io, done);
  registerLocalTestPattern(local, io, done);
  // Access requests and approvals, through the approval API.
  registerApprovalRequest(program, io, done);
  registerApprovalChanges(program, io, done);
  registerApprovalShow(program, io, done);
  registerApprovalApprove(program, io, done);
  registerApprovalReject(program, io, done);
  registerApprovalWithdraw(program, io, done);
  registerApprovalLogin(program, io, done);
  registerApprovalLogout(program, io, done);
  registerApprovalWhoami(program, io, done);
  // Promotion through the stages.
  registerPipeline(program, io, done);
  registerPromote(program, io, done);
  registerRollback(program, io, done);
  registerBundleShow(program, io, done);
  // What the audit detections alerted on and paged.
  registerAlerts(program, io, done);
  // Emergency access, through its own function.
  registerBreakGlass(program, io, done);
  // The audit archive: verify it, search it, follow it.
  const audit = program
    .command('audit')
    .description('the append-only, tamper-evident audit archive');
  registerAuditVerify(audit, io, done);
  registerAuditSearch(audit, io, done);
  registerAuditTail(audit, io, done);
  registerK8sAuditRegister(
    program.command('k8s-audit').description('Kubernetes clusters sending audit events to Ward'),
    io,
    done,
  );

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    return reportError(error, io);
  }
}

/** Errors the AWS SDK raises for a service's answer (no such table, access denied...). */
function isAwsServiceError(error: unknown): error is Error & { $metadata: unknown } {
  return error instanceof Error && '$metadata' in error;
}

function reportError(error: unknown, io: CliIo): ExitCode {
  if (error instanceof CommanderError) {
    // Commander has already printed its message; help and version requests are successes.
    return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (error instanceof FleetValidationError) {
    io.stderr(`${error.problems.map(formatFleetProblem).join('\n')}\n`);
    io.stderr(
      `${error.problems.length} problem${error.problems.length === 1 ? '' : 's'} found; nothing was written.\n`,
    );
    return ExitCode.refused;
  }
  if (error instanceof RuleSetValidationError) {
    io.stderr(`${error.problems.map((p) => p.message).join('\n')}\n`);
    return ExitCode.refused;
  }
  if (error instanceof CompilationError) {
    io.stderr(`${error.problems.join('\n')}\ncompilation refused; nothing was written.\n`);
    return ExitCode.refused;
  }
  if (
    error instanceof RpcmapConfigError ||
    error instanceof RpcmapRootError ||
    error instanceof RpcmapGitError
  ) {
    io.stderr(`error: ${error.message}\n`);
    return ExitCode.usage;
  }
  if (error instanceof UsageError || error instanceof RangeError) {
    io.stderr(`error: ${error.message}\n`);
    return ExitCode.usage;
  }
  if (
    error instanceof RuleSetConflictError ||
    error instanceof RegistryCorruptError ||
    error instanceof RegistryBusyError
  ) {
    io.stderr(`error: ${error.message}\n`);
    return ExitCode.refused;
  }
  if (isAwsServiceError(error)) {
    io.stderr(`error: AWS ${error.name}: ${error.message}\n`);
    return ExitCode.refused;
  }
  if (
    error instanceof NoRuntimeError ||
    error instanceof PortInUseError ||
    error instanceof JavaMissingError
  ) {
    io.stderr(`error: ${error.message}\n`);
    return ExitCode.refused;
  }
  if (error instanceof ApiRefusedError) {
    // The API's own reason first (what the issue promises), then its per-rule problems and what to do.
    io.stderr(`error: ${error.message}\n`);
    for (const problem of error.problems) io.stderr(`  ${problem}\n`);
    if (error.hint !== undefined) io.stderr(`  ${error.hint}\n`);
    return ExitCode.refused;
  }
  if (error instanceof ApiUnreachableError || error instanceof NotLoggedInError) {
    io.stderr(`error: ${error.message}\n`);
    return ExitCode.refused;
  }
  if (error instanceof BreakGlassRefusedCliError) {
    io.stderr(`error: ${error.message}\n`);
    return ExitCode.refused;
  }
  if (error instanceof OutputDirectoryError) {
    io.stderr(`error: ${error.message}\n`);
    return ExitCode.refused;
  }
  io.stderr(
    `ward: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return ExitCode.internal;
}
