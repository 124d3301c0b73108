import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing, type CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { acknowledgeWildcardResource } from './nag';
import type { Construct } from 'constructs';
import { isAbsolute, join, relative } from 'node:path';
import {
  FUNCTION_ENTRY_METADATA,
  FUNCTION_HANDLER_METADATA,
} from '../../lambdas/contracts/function-metadata';

/** The repository root: entries are given relative to it, as the local runtime records them. */
const PROJECT_ROOT = join(__dirname, '..', '..');

/** Properties of a {@link WardFunction}. */
export interface WardFunctionProps {
  /** The handler's source module, relative to the repository root (`lambdas/handlers/x.ts`). */
  readonly entry: string;
  /** The service name Powertools puts on every log line and metric. */
  readonly serviceName: string;
  /**
   * The exported handler function.
   * @default 'handler'
   */
  readonly handler?: string;
  readonly description?: string;
  /**
   * A fixed physical name, for a function people invoke by name (break glass).
   * @default - a name CloudFormation generates
   */
  readonly functionName?: string;
  /**
   * A fixed name for the function's role, for a role another account trusts by name (the
   * fleet accounts' roles name the promotion and break-glass functions' roles in their trust).
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;
  /**
   * Environment variables, beyond the Powertools ones this construct sets.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /**
   * How long the function's logs are kept.
   * @default RetentionDays.ONE_YEAR
   */
  readonly logRetention?: RetentionDays;
  /**
   * Instances that may run at once; 1 makes a function a serial writer.
   * @default - no reservation (the account's unreserved concurrency)
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * Ward's one function construct: a NodejsFunction with the project's defaults (Node.js 24 on
 * ARM, X-Ray tracing, its own log group with a retention, Powertools settings, bundled with the
 * local esbuild and never Docker), plus the template metadata the local runtime runs it from.
 */
export class WardFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: WardFunctionProps) {
    if (isAbsolute(props.entry))
      throw new Error(`WardFunction ${id}: entry must be relative to the repository root`);
    const handler = props.handler ?? 'handler';
    // Its own role, not Lambda's managed basic-execution policy (which may write any log group).
    const role = new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      ...(props.roleName === undefined ? {} : { roleName: props.roleName }),
    });
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? RetentionDays.ONE_YEAR,
      // Logs are evidence: they outlive the function that wrote them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    super(scope, id, {
      entry: join(PROJECT_ROOT, props.entry),
      handler,
      description: props.description,
      functionName: props.functionName,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.ACTIVE,
      timeout: props.timeout ?? Duration.seconds(10),
      memorySize: props.memorySize ?? 512,
      ...(props.reservedConcurrentExecutions !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrentExecutions }
        : {}),
      logGroup,
      role,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.CJS,
        minify: true,
        sourceMap: true,
        forceDockerBundling: false,
      },
    });
    logGroup.grantWrite(role);
    acknowledgeWildcardResource(
      role,
      '*',
      'X-Ray tracing (PutTraceSegments, PutTelemetryRecords) accepts no resource ARN; every other statement names its resources.',
    );
    const resource = this.node.defaultChild as CfnFunction;
    resource.addMetadata(
      FUNCTION_ENTRY_METADATA,
      relative(PROJECT_ROOT, join(PROJECT_ROOT, props.entry)),
    );
    resource.addMetadata(FUNCTION_HANDLER_METADATA, handler);
  }
}
