import {
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { clusterTokenParameter } from '../../contracts/audit-ingest';
import { storedHashes } from '../../core/audit/cluster-token';

/**
 * Kubernetes clusters' audit token hashes in Parameter Store, one String parameter per cluster
 * under the stage's path. Only hashes are stored, so the parameter needs no encryption and
 * reading it does not let anyone present the token.
 */
export class SsmClusterTokens {
  constructor(private readonly deps: { readonly client: SSMClient; readonly path: string }) {}

  /** The cluster's registered hashes; undefined when it has none (refused, fail closed). */
  async hashesOf(cluster: string): Promise<string[] | undefined> {
    try {
      const { Parameter } = await this.deps.client.send(
        new GetParameterCommand({ Name: clusterTokenParameter(this.deps.path, cluster) }),
      );
      return Parameter?.Value === undefined ? undefined : storedHashes(Parameter.Value);
    } catch (error) {
      if (error instanceof ParameterNotFound) return undefined;
      throw error;
    }
  }

  /** Registers `hashes` (the new token's first, a previous one during rotation) as the cluster's. */
  async register(cluster: string, hashes: readonly string[]): Promise<string> {
    const name = clusterTokenParameter(this.deps.path, cluster);
    await this.deps.client.send(
      new PutParameterCommand({
        Name: name,
        Value: hashes.join(','),
        Type: 'String',
        Overwrite: true,
        Description: `SHA-256 of the Kubernetes audit webhook token(s) of cluster ${cluster}`,
      }),
    );
    return name;
  }
}
