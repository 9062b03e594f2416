import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root: NodejsFunction's project root and lock file location. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const FUNCTIONS_SRC = join(REPO_ROOT, 'apps/functions/src');
export const ORDER_SAGA_ASL = join(REPO_ROOT, 'statemachines/order-saga.asl.json');

export interface FunctionSpec {
  /** Entry file under apps/functions/src; it exports `handler`. */
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeoutSeconds: number;
  /** Calls the payment provider: gets its URL and secret. */
  readonly payment?: boolean;
}

const sagaStep = (file: string, description: string, payment = false): FunctionSpec => ({
  entry: `saga/${file}.ts`,
  description: `Order saga: ${description}`,
  memorySize: 512,
  timeoutSeconds: 20,
  payment,
});

/**
 * The saga's Task functions, keyed by the ASL placeholder each one fills
 * (`${ReserveInventoryFunctionArn}` and so on in statemachines/order-saga.asl.json).
 */
export const SAGA_FUNCTIONS = {
  ReserveInventory: sagaStep('reserve-inventory', 'reserve stock from the region allotment'),
  AuthorizePayment: sagaStep('authorize-payment', 'authorize the payment', true),
  CreateShipment: sagaStep('create-shipment', 'create the shipment'),
  CapturePayment: sagaStep('capture-payment', 'capture the payment', true),
  ConfirmOrder: sagaStep('confirm-order', 'confirm the order'),
  RefundPayment: sagaStep('refund-payment', 'refund the payment (compensation)', true),
  CancelShipment: sagaStep('cancel-shipment', 'cancel the shipment (compensation)'),
  VoidPayment: sagaStep('void-payment', 'void the authorization (compensation)', true),
  ReleaseInventory: sagaStep('release-inventory', 'release reserved stock (compensation)'),
  FailOrder: sagaStep('fail-order', 'end the order failed or cancelled'),
} as const satisfies Record<string, FunctionSpec>;

export type SagaStep = keyof typeof SAGA_FUNCTIONS;

export const API_FUNCTION: FunctionSpec = {
  entry: 'api/handler.ts',
  description: 'HTTP API: every /api/v1 route',
  memorySize: 1024,
  timeoutSeconds: 29,
};

export const STREAM_PUBLISHER_FUNCTION: FunctionSpec = {
  entry: 'events/stream-publisher.ts',
  description: 'Table stream: publishes outbox items to the regional bus, credits incoming stock transfers',
  memorySize: 512,
  timeoutSeconds: 60,
};

export const NOTIFICATION_CONSUMER_FUNCTION: FunctionSpec = {
  entry: 'events/notification-consumer.ts',
  description: 'Writes customer notifications for order events',
  memorySize: 512,
  timeoutSeconds: 30,
};

export const ORDER_SAGA_STARTER_FUNCTION: FunctionSpec = {
  entry: 'events/order-saga-starter.ts',
  description: 'Starts the saga run an order awaits, from its OrderPlaced / OrderCancelRequested event',
  memorySize: 512,
  timeoutSeconds: 30,
};

export const ORDER_SAGA_SWEEPER_FUNCTION: FunctionSpec = {
  entry: 'events/order-saga-sweeper.ts',
  description: 'Scheduled: starts the saga run any recent order of this region still awaits',
  memorySize: 512,
  timeoutSeconds: 300,
};

export const INTEGRITY_SWEEP_FUNCTION: FunctionSpec = {
  entry: 'integrity/integrity-sweep.ts',
  description:
    'Scheduled: settles what closed orders owe, decides keys two regions accepted, reconciles the payment ledger',
  memorySize: 512,
  timeoutSeconds: 300,
  payment: true,
};

export function entryPath(spec: FunctionSpec): string {
  return join(FUNCTIONS_SRC, spec.entry);
}

/** ASL substitution key of a saga step, e.g. `ReserveInventoryFunctionArn`. */
export function substitutionKey(step: SagaStep): string {
  return `${step}FunctionArn`;
}
