import type * as LocalStepFunctions from 'aws-local-stepfunctions' with {
  'resolution-mode': 'import',
};
import 'promise.withresolvers/auto';

/**
 * aws-local-stepfunctions, the ASL interpreter the runtime runs state machines with. Its
 * package is marked as an ES module but ships a CommonJS build, so the types come from the
 * ESM declarations and the value from `require`. It calls Promise.withResolvers, which Node
 * 20 lacks: the import of the shim above installs it first.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above: CJS build, ESM types
const interpreter = require('aws-local-stepfunctions') as typeof LocalStepFunctions;

export const { StateMachine } = interpreter;
export type StateMachine = LocalStepFunctions.StateMachine;
export type StateMachineDefinition = LocalStepFunctions.StateMachineDefinition;
