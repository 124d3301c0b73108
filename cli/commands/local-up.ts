import type { Command } from 'commander';
import { join } from 'node:path';
import { STAGES, type StageName } from '../../lambdas/contracts/stages';
import { startWardLocal } from '../../local/ward-local';
import { readFleet } from '../fleet/read-fleet';
import { ExitCode, type CliIo } from '../io';
import { integer } from '../options';
import { paint } from '../render';
import { stateDirOf } from '../local-admin';

interface UpOptions {
  stage: StageName;
  fleet: string;
  seed: boolean;
  data?: string;
  apiPort: number;
  awsPort: number;
  dynamodbPort: number;
  quiet: boolean;
}

/** `ward local up` (`npm start`): Ward on this machine until Ctrl+C. */
export function registerLocalUp(local: Command, io: CliIo, done: (code: ExitCode) => void): void {
  local
    .command('up')
    .description('run Ward’s synthesized stack on this machine, seeded with a fleet, until Ctrl+C')
    .option('--stage <stage>', `stage config to synthesize (${STAGES.join(', ')})`, 's101')
    .option('--fleet <dir>', 'fleet to load into the registry', 'examples/fleet')
    .option('--no-seed', 'start with an empty registry')
    .option('--data <dir>', 'keep DynamoDB tables in this directory (default: in memory)')
    .option(
      '--api-port <port>',
      'HTTP API port (0: any free port)',
      integer('--api-port', 0, 65535),
      4310,
    )
    .option(
      '--aws-port <port>',
      'local AWS endpoint port (0: any free port)',
      integer('--aws-port', 0, 65535),
      4566,
    )
    .option(
      '--dynamodb-port <port>',
      'DynamoDB Local port (0: any free port)',
      integer('--dynamodb-port', 0, 65535),
      8000,
    )
    .option('--quiet', 'do not print function logs', false)
    .action(async (options: UpOptions) => {
      if (!(STAGES as readonly string[]).includes(options.stage))
        throw new RangeError(`--stage must be one of ${STAGES.join(', ')}`);
      const fleet = options.seed
        ? { dir: options.fleet, ruleSet: await readFleet(options.fleet) }
        : undefined;
      const port = (value: number) => (value === 0 ? undefined : value);
      const ward = await startWardLocal({
        stage: options.stage,
        stateDir: stateDirOf(io),
        ...(options.data !== undefined ? { dataDir: join(io.cwd, options.data) } : {}),
        ...(port(options.apiPort) !== undefined ? { apiPort: options.apiPort } : {}),
        ...(port(options.awsPort) !== undefined ? { awsPort: options.awsPort } : {}),
        ...(port(options.dynamodbPort) !== undefined ? { dynamoDbPort: options.dynamodbPort } : {}),
        ...(fleet !== undefined ? { fleet } : {}),
        log: (line) => {
          if (!options.quiet) io.stderr(`${line}\n`);
        },
      });
      io.stdout(describe(io, ward, options));
      await io.untilInterrupted();
      io.stdout('\nstopping the local runtime...\n');
      await ward.stop();
      done(ExitCode.ok);
    });
}

function describe(
  io: CliIo,
  ward: Awaited<ReturnType<typeof startWardLocal>>,
  options: UpOptions,
): string {
  const { runtime } = ward;
  const lines = [
    `${paint(io, 'green', 'Ward is running locally')} (stage ${options.stage}), ready in ${(ward.readyInMs / 1000).toFixed(1)} s`,
    '',
    `  HTTP API      ${runtime.apis.length > 0 ? runtime.apiUrl : '(none in this stack yet: the approval API adds one)'}`,
    // Other HTTP APIs of the stack (the Kubernetes audit webhook) listen on ports of their own.
    ...runtime.apis.slice(1).map((api) => `  ${api.config.name.padEnd(13)} ${api.url ?? ''}`),
    `  AWS endpoint  ${runtime.awsEndpoint}   (Step Functions, EventBridge, SNS, SQS, S3, SSM)`,
    `  DynamoDB      ${runtime.dynamoDbEndpoint}`,
    `  registry      ${ward.registryTable ?? '(no registry table)'}${ward.seeded ? `: ${options.fleet} loaded as v${ward.seeded.version} (${ward.seeded.services.length} services, ${ward.seeded.ingress.length} edges)` : ''}`,
    '',
  ];
  if (runtime.report.notEnforced.length > 0)
    lines.push('Not enforced locally:', ...runtime.report.notEnforced.map((n) => `  - ${n}`), '');
  if (runtime.report.unsupported.length > 0)
    lines.push(
      paint(io, 'yellow', 'Not supported (requests that need these are refused):'),
      ...runtime.report.unsupported.map((n) => `  - ${n}`),
      '',
    );
  const endpoint = `AWS_ENDPOINT_URL_DYNAMODB=${runtime.dynamoDbEndpoint} AWS_REGION=eu-west-2 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local`;
  lines.push(
    'Try, in another terminal:',
    '  npm run ward -- local status',
    ...(runtime.apis.length > 0
      ? [
          '  npm run ward -- login --as pat@bank.example --team customer',
          '  npm run ward -- request --from service.emoji --to service.ledger --reason "balances in the feed"',
          '  npm run ward -- login --as fin1@bank.example --team finance --mfa',
          '  npm run ward -- changes --to-approve',
          '  npm run ward -- approve ID     (a second finance person too: ledger is critical)',
        ]
      : ['  npm run ward -- local token alice --team finance --mfa']),
    ...(ward.registryTable
      ? [
          `  ${endpoint} npm run ward -- rules export --from-table ${ward.registryTable}`,
          `  ${endpoint} npm run ward -- compile --from-table ${ward.registryTable} --out out/local-bundle`,
        ]
      : []),
    '  npm run ward -- local events --follow',
    '',
    'Press Ctrl+C to stop.',
    '',
  );
  return lines.join('\n');
}
