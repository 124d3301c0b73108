import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { z } from 'zod';
import type { StageName } from '../../../lambdas/contracts/stages';
import type { StageConfig } from '../../../lib/config/stage-config';
import { loadStageConfigs } from '../../../lib/config/stages';
import { WardServicesStack, wardServicesStackName } from '../../../lib/ward-services-stack';
import { WardStack, wardStackName } from '../../../lib/ward-stack';

const CdkJsonSchema = z.object({ context: z.record(z.string(), z.unknown()).default({}) });

/**
 * The feature flags `cdk synth` runs with. Tests build their apps with the same context, so a
 * flag in cdk.json that changes the template changes what the tests see.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const raw: unknown = JSON.parse(readFileSync(join(__dirname, '../../../cdk.json'), 'utf8'));
  return CdkJsonSchema.parse(raw).context;
}

/**
 * A test app with cdk.json's context. CDK's built-in CloudFormation schema validation takes
 * seconds per synth, so it is off unless a test asks for it (the whole-app test does).
 */
export function testApp(
  props: Omit<AppProps, 'context'> = {},
  options: { bundle?: boolean } = {},
): App {
  // Bundling every function with esbuild is what deploys, but templates do not depend on it.
  const bundling = options.bundle === true ? {} : { 'aws:cdk:bundling-stacks': [] };
  return new App({
    builtinCloudFormationValidation: false,
    ...props,
    context: { ...cdkJsonContext(), ...bundling },
  });
}

/** The shipped configuration of one stage. */
export function shippedConfig(stage: StageName): StageConfig {
  const config = loadStageConfigs().find((c) => c.stage === stage);
  if (config === undefined) throw new Error(`no shipped config for stage ${stage}`);
  return config;
}

/** A Ward stack for `config`, named as bin/app.ts names it, in its own app. */
export function wardStack(config: StageConfig, app: App = testApp()): WardStack {
  return new WardStack(app, wardStackName(config.stage), { config });
}

/** Both of a stage's stacks, as bin/app.ts builds them, in one app. */
export function wardStacks(
  config: StageConfig,
  app: App = testApp(),
): { data: WardStack; services: WardServicesStack } {
  const data = new WardStack(app, wardStackName(config.stage), { config });
  const services = new WardServicesStack(app, wardServicesStackName(config.stage), {
    config,
    data,
  });
  return { data, services };
}
