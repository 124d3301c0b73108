import { STAGES } from '../../lambdas/contracts/stages';
import { parseStageConfigs, StageConfigError } from '../../lib/config/stage-config';
import { loadStageConfigs, STAGE_SETTINGS } from '../../lib/config/stages';

/** A deep, mutable copy of the shipped settings, for tests to break one field of. */
function shipped(): Record<string, Record<string, unknown>> {
  return structuredClone<Record<string, Record<string, unknown>>>(STAGE_SETTINGS);
}

/** The problems parseStageConfigs reports for `input`; fails the test if it accepts it. */
function problemsOf(input: unknown): readonly string[] {
  try {
    parseStageConfigs(input);
  } catch (error) {
    if (error instanceof StageConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('the shipped stage configuration', () => {
  const configs = loadStageConfigs();

  it('is valid and lists every stage once, in promotion order', () => {
    expect(configs.map((c) => c.stage)).toEqual([...STAGES]);
  });

  it('protects production from deletion at both the stack and the table', () => {
    const prod = configs.find((c) => c.stage === 'prod');
    expect(prod).toMatchObject({
      terminationProtection: true,
      registryTable: { deletionProtection: true },
    });
  });

  it('names no account, so synth needs no credentials', () => {
    expect(configs.map((c) => c.account)).toEqual(STAGES.map(() => undefined));
  });

  it('is frozen, so no stack can change another stage through it', () => {
    const [first] = configs;
    expect(Object.isFrozen(configs)).toBe(true);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first?.registryTable)).toBe(true);
  });
});

describe('parseStageConfigs', () => {
  it('given an account id, keeps it', () => {
    const input = shipped();
    input.s102 = { ...input.s102, account: '123456789012' };
    expect(parseStageConfigs(input)[1]).toMatchObject({ stage: 's102', account: '123456789012' });
  });

  it('given an unknown stage, refuses it by name and lists the stages', () => {
    const input = { ...shipped(), s103: shipped().s101 };
    expect(problemsOf(input)).toEqual(['s103: not a stage (the stages are s101, s102, prod)']);
  });

  it('given a stage left out, refuses the config naming the stage', () => {
    const { s102: _left, ...input } = shipped();
    expect(problemsOf(input)).toEqual([expect.stringMatching(/^s102: /)]);
  });

  it('given a bad region, names the field and says what a region looks like', () => {
    const input = shipped();
    input.s101 = { ...input.s101, region: 'eu-wset-2' };
    expect(problemsOf(input)).toEqual([
      's101.region: must be an AWS region code such as eu-west-2',
    ]);
  });

  it('given an account that is not 12 digits, names the field', () => {
    const input = shipped();
    input.prod = { ...input.prod, account: '12345' };
    expect(problemsOf(input)).toEqual(['prod.account: must be a 12-digit AWS account id']);
  });

  it('given a boolean written as a string, refuses it', () => {
    const input = shipped();
    input.s102 = { ...input.s102, terminationProtection: 'true' };
    expect(problemsOf(input)).toEqual([expect.stringMatching(/^s102\.terminationProtection: /)]);
  });

  it('given a misspelt field, names it as unknown', () => {
    const input = shipped();
    input.s101 = { ...input.s101, registryTable: { deletionProtecton: true } };
    expect(problemsOf(input)).toEqual(
      expect.arrayContaining([
        's101.registryTable.deletionProtecton: unknown field',
        expect.stringMatching(/^s101\.registryTable\.deletionProtection: /),
      ]),
    );
  });

  it('given an unprotected prod, refuses it naming both switches', () => {
    const input = shipped();
    input.prod = {
      ...input.prod,
      terminationProtection: false,
      registryTable: { deletionProtection: false },
    };
    expect(problemsOf(input)).toEqual([
      'prod.terminationProtection: must be true: production stacks are termination-protected',
      'prod.registryTable.deletionProtection: must be true: the production registry table is deletion-protected',
    ]);
  });

  it('given several mistakes, reports all of them in one message', () => {
    const input = shipped();
    input.s101 = { ...input.s101, region: 'mars' };
    input.prod = { ...input.prod, account: 'x' };
    expect(() => parseStageConfigs(input)).toThrow(
      /Invalid Ward stage configuration:\n {2}- s101\.region: .*\n {2}- prod\.account: /,
    );
  });

  it('given something that is not an object, refuses it', () => {
    expect(problemsOf('s101')).toEqual([expect.stringMatching(/^\(config\): /)]);
  });
});
