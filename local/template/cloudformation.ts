/** A synthesized CloudFormation template, as plain JSON. */
export interface CloudFormationTemplate {
  readonly Resources: Readonly<Record<string, CloudFormationResource>>;
  readonly Outputs?: Readonly<
    Record<string, { readonly Value: unknown; readonly Export?: { readonly Name: unknown } }>
  >;
  readonly Conditions?: Readonly<Record<string, unknown>>;
}

export interface CloudFormationResource {
  readonly Type: string;
  readonly Properties?: Readonly<Record<string, unknown>>;
  readonly Metadata?: Readonly<Record<string, unknown>>;
  readonly DependsOn?: string | readonly string[];
  readonly Condition?: string;
}

/** One stack of an assembly: its name and template. */
export interface StackTemplate {
  readonly stackName: string;
  readonly template: CloudFormationTemplate;
}
