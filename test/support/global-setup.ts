import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local';

declare global {
  var wardDynamoDbLocal: DynamoDbLocal | undefined;
}

/**
 * One DynamoDB Local for the whole test run. Workers inherit these variables, so the
 * production adapters reach it through the SDK's own endpoint setting; each test file
 * creates tables with unique names, so files stay independent.
 */
export default async function globalSetup(): Promise<void> {
  // Each jest project runs this; the second one finds the engine the first started.
  if (globalThis.wardDynamoDbLocal !== undefined) return;
  const engine = await startDynamoDbLocal();
  globalThis.wardDynamoDbLocal = engine;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = engine.endpoint;
  process.env.AWS_REGION = 'eu-west-2';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
  // The SDK's reminder that Node 20 support ends in 2027 is for operators, not test output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
}
