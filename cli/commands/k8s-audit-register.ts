import { SSMClient } from '@aws-sdk/client-ssm';
import type { Command } from 'commander';
import { randomBytes } from 'node:crypto';
import { ClusterNameSchema, clusterTokenPath } from '../../lambdas/contracts/audit-ingest';
import { STAGES } from '../../lambdas/contracts/stages';
import { SsmClusterTokens } from '../../lambdas/adapters/audit/ssm-cluster-tokens';
import { clusterTokenSha256, newClusterToken } from '../../lambdas/core/audit/cluster-token';
import { readRuntimeState } from '../../local/runtime/state-file';
import { ExitCode, type CliIo } from '../io';
import { stateDirOf } from '../local-admin';
import { formatOption } from '../options';
import { UsageError } from '../rule-source';

interface RegisterOptions {
  stage: string;
  keepPrevious: boolean;
  local: boolean;
  url?: string;
  format: string;
}

/**
 * `ward k8s-audit register CLUSTER`: makes a new audit webhook token for a cluster, stores only
 * its SHA-256 in Parameter Store (where the webhook's authorizer reads it) and prints the token
 * once, with the kubeconfig the API server's `--audit-webhook-config-file` needs. With
 * `--keep-previous` the cluster's current token keeps working beside the new one (rotation);
 * run it again without to retire the old one.
 */
export function registerK8sAuditRegister(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('register')
    .description('make a Kubernetes cluster’s audit webhook token and register its hash')
    .argument('<cluster>', 'the cluster’s name, as the stage config lists it')
    .option('--stage <stage>', `the stage whose webhook it posts to (${STAGES.join(', ')})`, 's101')
    .option(
      '--keep-previous',
      'keep the current token valid too, while the new one rolls out',
      false,
    )
    .option('--local', 'register with the running local runtime (ward local up)', false)
    .option(
      '--url <url>',
      'the webhook URL to put in the kubeconfig (the stack output KubernetesAuditUrl)',
    )
    .addOption(formatOption())
    .action(async (cluster: string, options: RegisterOptions) => {
      const name = ClusterNameSchema.safeParse(cluster);
      if (!name.success)
        throw new UsageError(`cluster "${cluster}": ${name.error.issues[0]?.message ?? 'invalid'}`);
      if (!(STAGES as readonly string[]).includes(options.stage))
        throw new UsageError(`--stage must be one of ${STAGES.join(', ')}, not "${options.stage}"`);
      const endpoint = options.local
        ? readRuntimeState(stateDirOf(io)).awsEndpoint
        : io.env.AWS_ENDPOINT_URL_SSM;
      const client = new SSMClient(endpoint !== undefined && endpoint !== '' ? { endpoint } : {});
      try {
        const tokens = new SsmClusterTokens({ client, path: clusterTokenPath(options.stage) });
        const token = newClusterToken(name.data, randomBytes(32));
        const previous = options.keepPrevious ? ((await tokens.hashesOf(name.data)) ?? []) : [];
        const parameter = await tokens.register(name.data, [
          clusterTokenSha256(token),
          ...previous.slice(0, 1),
        ]);
        if (options.format === 'json')
          io.stdout(`${JSON.stringify({ cluster: name.data, parameter, token }, null, 2)}\n`);
        else io.stdout(instructions(name.data, parameter, token, options.url));
      } finally {
        client.destroy();
      }
      done(ExitCode.ok);
    });
}

function instructions(cluster: string, parameter: string, token: string, url?: string): string {
  return [
    `registered a new audit webhook token for ${cluster} (its SHA-256 is in ${parameter})`,
    'the token is shown once; put it in the API server’s audit webhook kubeconfig:',
    '',
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: ward',
    `    cluster: { server: ${url ?? '<KubernetesAuditUrl of the stage’s services stack>'} }`,
    'users:',
    '  - name: ward',
    `    user: { token: ${token} }`,
    'contexts:',
    '  - name: ward',
    '    context: { cluster: ward, user: ward }',
    'current-context: ward',
    '',
  ].join('\n');
}
