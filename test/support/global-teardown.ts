export default async function globalTeardown(): Promise<void> {
  const engine = globalThis.wardDynamoDbLocal;
  globalThis.wardDynamoDbLocal = undefined;
  await engine?.stop();
}
