import type { Command } from 'commander';
import type { runtimeStatus } from '../../local/runtime/admin-api';
import { ExitCode, type CliIo } from '../io';
import { askRuntime } from '../local-admin';
import { formatOption } from '../options';
import { json, paint, table } from '../render';

type Status = ReturnType<typeof runtimeStatus>;

/** `ward local status`: what the running local runtime is and holds. */
export function registerLocalStatus(
  local: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  local
    .command('status')
    .description('show the running local runtime: endpoints and the state of each engine')
    .addOption(formatOption())
    .action(async (options: { format: string }) => {
      const { state, answer } = await askRuntime<Status>(io, 'status');
      const status = { ...answer, apiUrl: state.apiUrl };
      if (options.format === 'json') {
        io.stdout(json(status));
      } else {
        const e = status.engines;
        io.stdout(
          [
            `${paint(io, 'green', 'running')} since ${status.startedAt} (ready in ${(status.readyInMs / 1000).toFixed(1)} s)`,
            `HTTP API ${status.apiUrl ?? '(none)'}   AWS endpoint ${status.awsEndpoint}`,
            '',
            table(
              ['engine', 'state', 'what'],
              [
                [
                  'dynamodb',
                  e.dynamodb.state,
                  `${e.dynamodb.tables.length} tables at ${e.dynamodb.endpoint}`,
                ],
                [
                  'lambda',
                  e.lambda.state,
                  `${e.lambda.functions.length} functions, ${e.lambda.functions.reduce((n, f) => n + f.invocations, 0)} invocations`,
                ],
                [
                  'http api',
                  e.httpApi.state,
                  `${e.httpApi.apis.length} APIs, ${e.httpApi.requests} requests`,
                ],
                [
                  'step functions',
                  e.stepFunctions.state,
                  `${e.stepFunctions.stateMachines.length} state machines, ${e.stepFunctions.executions} executions`,
                ],
                [
                  'eventbridge',
                  e.eventBridge.state,
                  `${e.eventBridge.buses.length} buses, ${e.eventBridge.events} events`,
                ],
                ['sns', e.sns.state, `${e.sns.topics.length} topics, ${e.sns.messages} messages`],
                ['sqs', e.sqs.state, `${e.sqs.queues.length} queues`],
                ['s3', e.s3.state, `${e.s3.buckets.length} buckets`],
              ],
            ),
          ].join('\n'),
        );
      }
      done(ExitCode.ok);
    });
}
