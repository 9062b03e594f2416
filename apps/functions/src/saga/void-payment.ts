import { sagaTaskHandler } from '../aws/saga-task-handler';

/** Lambda entry of the order saga's VoidPayment Task state (statemachines/order-saga.asl.json). */
export const handler = sagaTaskHandler('VoidPayment');
