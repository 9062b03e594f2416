import type { OrderWorkflow } from '@meridian/domain';
import { describe, expect, it, vi } from 'vitest';
import { closeOrderAfterUnfinishedRun } from './close-unfinished-order';

function workflow(status = 'PENDING') {
  const startOrderSaga = vi.fn<OrderWorkflow['startOrderSaga']>(async () => {});
  return { startOrderSaga, workflow: { startOrderSaga }, isPending: async () => status === 'PENDING' };
}

describe('closeOrderAfterUnfinishedRun', () => {
  it.each(['FAILED', 'TIMED_OUT'])('closes the order of a place run that ended %s', async (status) => {
    const flow = workflow();

    const started = await closeOrderAfterUnfinishedRun(
      { name: 'ord_1', status, input: { orderId: 'ord_1', mode: 'place' } },
      flow,
    );

    expect(started).toBe(true);
    expect(flow.startOrderSaga).toHaveBeenCalledWith('ord_1', 'cancel');
  });

  it('leaves an order the run confirmed before it timed out', async () => {
    const flow = workflow('CONFIRMED');

    expect(
      await closeOrderAfterUnfinishedRun(
        { name: 'ord_1', status: 'TIMED_OUT', input: { orderId: 'ord_1', mode: 'place' } },
        flow,
      ),
    ).toBe(false);
    expect(flow.startOrderSaga).not.toHaveBeenCalled();
  });

  it.each([
    ['a place run that succeeded', { status: 'SUCCEEDED', mode: 'place' }],
    ['a cancel-mode run that failed (no run after it)', { status: 'FAILED', mode: 'cancel' }],
    ['a run still going', { status: 'RUNNING', mode: 'place' }],
  ])('leaves %s alone', async (_, { status, mode }) => {
    const flow = workflow();

    expect(
      await closeOrderAfterUnfinishedRun({ name: 'x', status, input: { orderId: 'ord_1', mode } }, flow),
    ).toBe(false);
    expect(flow.startOrderSaga).not.toHaveBeenCalled();
  });
});
