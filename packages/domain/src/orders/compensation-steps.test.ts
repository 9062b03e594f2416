import { describe, expect, it } from 'vitest';
import { caughtState, nextState } from '../testing/order-saga-definition';
import { COMPENSATION_STEPS } from './order';

const asStep = (state: string) => `${state.charAt(0).toLowerCase()}${state.slice(1)}`;

describe('COMPENSATION_STEPS', () => {
  it('names the saga definition’s compensations in the order they run', () => {
    // A forward step that fails for good enters the compensations; they then run one after the other,
    // each going on whether it succeeded (Next) or not (Catch), until the order is closed.
    const chain: string[] = [];
    let state = caughtState('CapturePayment');
    while (state && state !== 'FailOrder') {
      chain.push(asStep(state));
      expect(caughtState(state)).toBe(nextState(state));
      state = nextState(state);
    }
    expect(state).toBe('FailOrder');
    expect(chain).toEqual([...COMPENSATION_STEPS]);
  });
});
