import {
  authorizePayment,
  cancelShipment,
  capturePayment,
  confirmOrder,
  createShipment,
  failOrder,
  refundPayment,
  releaseInventory,
  reserveInventory,
  type SagaDependencies,
  voidPayment,
} from '@meridian/domain';
import * as z from 'zod';

/** The Task states of statemachines/order-saga.asl.json, each served by one handler. */
export const SAGA_TASK_STATES = [
  'ReserveInventory',
  'AuthorizePayment',
  'CreateShipment',
  'CapturePayment',
  'ConfirmOrder',
  'RefundPayment',
  'CancelShipment',
  'VoidPayment',
  'ReleaseInventory',
  'FailOrder',
] as const;
export type SagaTaskState = (typeof SAGA_TASK_STATES)[number];
export type SagaHandler = (input: unknown) => Promise<unknown>;

const stepInputSchema = z.object({ orderId: z.string().min(1), step: z.string().optional() });
const failInputSchema = stepInputSchema.extend({
  input: z
    .object({
      error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional(),
      compensationErrors: z
        .record(z.string(), z.object({ Error: z.string().optional(), Cause: z.string().optional() }))
        .optional(),
    })
    .passthrough()
    .optional(),
});

/**
 * The saga's Task handlers, keyed by state name. The same functions run as Lambda functions on AWS and
 * in the local workflow runner: parse the Task input, call the step, return its JSON output.
 */
export function createSagaHandlers(deps: SagaDependencies): Record<SagaTaskState, SagaHandler> {
  const step =
    (run: (deps: SagaDependencies, input: { orderId: string }) => Promise<unknown>): SagaHandler =>
    (input) =>
      run(deps, stepInputSchema.parse(input));
  return {
    ReserveInventory: step(reserveInventory),
    AuthorizePayment: step(authorizePayment),
    CreateShipment: step(createShipment),
    CapturePayment: step(capturePayment),
    ConfirmOrder: step(confirmOrder),
    RefundPayment: step(refundPayment),
    CancelShipment: step(cancelShipment),
    VoidPayment: step(voidPayment),
    ReleaseInventory: step(releaseInventory),
    FailOrder: (input) => failOrder(deps, failInputSchema.parse(input)),
  };
}
