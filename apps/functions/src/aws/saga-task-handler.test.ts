import { Metrics } from '@aws-lambda-powertools/metrics';
import { PaymentDeclinedError, TransientError } from '@meridian/domain';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { SagaHandler, SagaTaskState } from '../saga/saga-handlers';
import { createSagaTaskHandler, UNEXPECTED_ERRORS_METRIC } from './saga-task-handler';

interface Emf {
  _aws: {
    CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string }> }>;
  };
  [key: string]: unknown;
}

function setup(fail: () => Promise<unknown>) {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  const handlers = { AuthorizePayment: fail } as unknown as Record<SagaTaskState, SagaHandler>;
  const logger = { info: vi.fn(), error: vi.fn(), addContext: vi.fn() };
  const handle = createSagaTaskHandler('AuthorizePayment', {
    handlers: () => handlers,
    logger,
    // What the functions get from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME (apps/infra).
    metrics: new Metrics({ namespace: 'Meridian', serviceName: 'order-saga' }),
  });
  const emitted = (): Emf[] =>
    lines
      .flatMap((line) => line.split('\n'))
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as Emf);
  return { handle, logger, emitted };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('saga task handler', () => {
  it('rethrows a business outcome by name for the Catch rules, without counting it as unexpected', async () => {
    for (const error of [
      new PaymentDeclinedError('card_declined', 'card declined'),
      new TransientError('busy'),
    ]) {
      const { handle, emitted, logger } = setup(() => Promise.reject(error));

      await expect(handle({ orderId: 'ord_1' })).rejects.toBe(error);

      expect(emitted()).toEqual([]);
      expect(logger.error).not.toHaveBeenCalled();
    }
  });

  it('rethrows an unexpected error and counts it in UnexpectedErrors by service and step', async () => {
    const bug = new TypeError('cannot read properties of undefined');
    const { handle, emitted } = setup(() => Promise.reject(bug));

    await expect(handle({ orderId: 'ord_1' })).rejects.toBe(bug);

    const [emf, ...more] = emitted();
    expect(more).toEqual([]);
    expect(emf?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Meridian',
        Dimensions: [[expect.any(String), expect.any(String)]],
        Metrics: [expect.objectContaining({ Name: UNEXPECTED_ERRORS_METRIC })],
      },
    ]);
    // The alarm in apps/infra (service-stack.ts) selects exactly these dimensions.
    expect(new Set(emf?._aws.CloudWatchMetrics[0]?.Dimensions[0])).toEqual(new Set(['service', 'step']));
    expect(emf).toMatchObject({
      service: 'order-saga',
      step: 'AuthorizePayment',
      [UNEXPECTED_ERRORS_METRIC]: 1,
    });
  });

  it('counts a handler that cannot even be built (missing configuration) as unexpected', async () => {
    const { emitted } = setup(() => Promise.resolve());
    const handle = createSagaTaskHandler('ConfirmOrder', {
      handlers: () => {
        throw new Error('TABLE_NAME is not set');
      },
      logger: { info: vi.fn(), error: vi.fn(), addContext: vi.fn() },
      metrics: new Metrics({ namespace: 'Meridian', serviceName: 'order-saga' }),
    });

    await expect(handle({ orderId: 'ord_1' })).rejects.toThrow('TABLE_NAME');

    expect(emitted().map((emf) => emf.step)).toEqual(['ConfirmOrder']);
  });

  it('returns what the step returns', async () => {
    const { handle, emitted } = setup(() => Promise.resolve({ orderId: 'ord_1', outcome: 'authorized' }));

    await expect(handle({ orderId: 'ord_1' })).resolves.toEqual({ orderId: 'ord_1', outcome: 'authorized' });
    expect(emitted()).toEqual([]);
  });
});
