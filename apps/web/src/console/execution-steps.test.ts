import { describe, expect, it } from 'vitest';
import { orderOutcome, stepRuns } from './execution-steps';

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 10, 0, 0, ms)).toISOString();

describe('execution steps', () => {
  it('folds a retried step that then went through into one succeeded run with its retry count', () => {
    const runs = stepRuns([
      { type: 'ExecutionStarted', at: at(0) },
      { type: 'StateEntered', state: 'AuthorizePayment', at: at(1) },
      {
        type: 'StateFailed',
        state: 'AuthorizePayment',
        at: at(2),
        error: 'TransientError',
        cause: 'HTTP 503',
      },
      { type: 'StateRetried', state: 'AuthorizePayment', at: at(3) },
      {
        type: 'StateFailed',
        state: 'AuthorizePayment',
        at: at(4),
        error: 'TransientError',
        cause: 'HTTP 503',
      },
      { type: 'StateRetried', state: 'AuthorizePayment', at: at(5) },
      { type: 'StateExited', state: 'AuthorizePayment', at: at(9) },
      { type: 'StateEntered', state: 'CreateShipment', at: at(10) },
    ]);
    expect(runs).toEqual([
      {
        state: 'AuthorizePayment',
        status: 'succeeded',
        enteredAt: at(1),
        exitedAt: at(9),
        retries: 2,
        error: 'TransientError',
        cause: 'HTTP 503',
      },
      {
        state: 'CreateShipment',
        status: 'running',
        enteredAt: at(10),
        exitedAt: undefined,
        retries: 0,
        error: undefined,
        cause: undefined,
      },
    ]);
  });

  it('marks a failure caught by the saga as handled, and a state entered twice as two runs', () => {
    const runs = stepRuns([
      { type: 'StateEntered', state: 'Wait', at: at(0) },
      { type: 'StateExited', state: 'Wait', at: at(1) },
      { type: 'StateEntered', state: 'CreateShipment', at: at(2) },
      { type: 'StateFailed', state: 'CreateShipment', at: at(3), error: 'CarrierRefused' },
      { type: 'StateCaught', state: 'CreateShipment', at: at(4) },
      { type: 'StateExited', state: 'CreateShipment', at: at(4) },
      { type: 'StateEntered', state: 'Wait', at: at(5) },
    ]);
    expect(runs.map((r) => `${r.state}:${r.status}`)).toEqual([
      'Wait:succeeded',
      'CreateShipment:caught',
      'Wait:running',
    ]);
  });

  it('reads the order outcome from the execution output when there is one', () => {
    expect(orderOutcome({ outcome: { status: 'FAILED', reason: 'declined' } })).toEqual({
      status: 'FAILED',
      reason: 'declined',
    });
    expect(orderOutcome({ mode: 'place' })).toBeUndefined();
    expect(orderOutcome(null)).toBeUndefined();
  });
});
