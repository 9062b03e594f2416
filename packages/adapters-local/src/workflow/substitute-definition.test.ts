import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { loadSagaDefinition, readSagaAsl, sagaTaskStates } from './saga-test-support';
import { localFunctionArns, placeholderNames, substituteDefinition } from './substitute-definition';
import { UnresolvedPlaceholderError } from './workflow-errors';

// asl-validator ships no type declarations; this is the slice of its v4 API the tests use.
type AslValidator = (
  definition: object,
  options?: { checkArn?: boolean; checkPaths?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };
const aslValidator = createRequire(import.meta.url)('asl-validator') as AslValidator;

describe('substituteDefinition', () => {
  it('produces a saga definition that asl-validator accepts, ARNs and paths checked', () => {
    const definition = loadSagaDefinition('eu-west-1');

    const result = aslValidator(structuredClone(definition), { checkArn: true, checkPaths: true });

    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
    const states = definition.States as Record<string, { Resource?: string }>;
    expect(states.ReserveInventory?.Resource).toBe(
      'arn:aws:lambda:eu-west-1:000000000000:function:meridian-reserve-inventory',
    );
  });

  it('finds one placeholder per Task function in the saga', () => {
    expect(placeholderNames(readSagaAsl()).sort()).toEqual(
      sagaTaskStates.map((s) => `${s}FunctionArn`).sort(),
    );
  });

  it('rejects a leftover placeholder, which asl-validator alone lets through', () => {
    const text = readSagaAsl();
    const arns = localFunctionArns(placeholderNames(text), 'us-east-1');
    delete arns.FailOrderFunctionArn;

    expect(() => substituteDefinition(text, arns)).toThrow(UnresolvedPlaceholderError);
    expect(() => substituteDefinition(text, arns)).toThrow(`\${FailOrderFunctionArn}`);
    // Why the check is ours: the validator deliberately accepts `${...}` Resources (CDK substitution).
    expect(aslValidator(JSON.parse(text)).isValid).toBe(true);
  });

  it('escapes substituted values as JSON string content and ignores prototype keys', () => {
    const definition = substituteDefinition(`{"a":"\${X}","b":"x\${Y}y"}`, { X: 'say "hi"\\', Y: '-' });
    expect(definition).toEqual({ a: 'say "hi"\\', b: 'x-y' });
    expect(() => substituteDefinition(`{"a":"\${constructor}"}`, {})).toThrow(UnresolvedPlaceholderError);
  });
});
