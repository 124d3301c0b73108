import { z } from 'zod';
import { STAGES } from '../../lambdas/contracts/stages';
import { REGION_PATTERN, StageConfigError } from './stage-config';

const ACCOUNT = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

/**
 * Where Ward's own delivery pipeline runs and where it deploys: the tools account that hosts
 * it, the repository it watches, and the account of each stage. Only the pipeline needs
 * accounts; the stacks on their own stay account-agnostic, so a plain `cdk synth` needs none.
 */
export const PipelineSettingsSchema = z
  .strictObject({
    /** The tools account the pipeline itself lives in. */
    account: ACCOUNT,
    region: z.string().regex(REGION_PATTERN, 'must be an AWS region code such as eu-west-2'),
    source: z
      .strictObject({
        /** `owner/name` of the repository holding this code. */
        repository: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'must be owner/name'),
        branch: z.string().min(1),
        /** The CodeStar (CodeConnections) connection that reads the repository. */
        connectionArn: z
          .string()
          .regex(
            /^arn:aws[\w-]*:(codestar-connections|codeconnections):[\w-]+:\d{12}:connection\/[\w-]+$/,
            'must be a CodeStar connection ARN',
          ),
      })
      .readonly(),
    /** The account each stage deploys to; every stage needs one. */
    stageAccounts: z.strictObject(
      Object.fromEntries(STAGES.map((stage) => [stage, ACCOUNT])) as Record<
        (typeof STAGES)[number],
        typeof ACCOUNT
      >,
    ),
  })
  .superRefine((settings, ctx) => {
    // Production shares no account with the stages that test changes before it.
    for (const stage of ['s101', 's102'] as const) {
      if (settings.stageAccounts[stage] === settings.stageAccounts.prod)
        ctx.addIssue({
          code: 'custom',
          path: ['stageAccounts', stage],
          message: 'must differ from the production account',
        });
    }
  })
  .readonly();

export type PipelineSettings = z.output<typeof PipelineSettingsSchema>;
export type PipelineSettingsInput = z.input<typeof PipelineSettingsSchema>;

/** The validated pipeline settings; throws `StageConfigError` naming each bad field. */
export function parsePipelineSettings(input: unknown): PipelineSettings {
  const parsed = PipelineSettingsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new StageConfigError(
    parsed.error.issues.map((issue) => `pipeline.${issue.path.join('.')}: ${issue.message}`),
  );
}
