import { sagaTaskHandler } from '../aws/saga-task-handler';

/** Lambda entry of the order saga's CreateShipment Task state (statemachines/order-saga.asl.json). */
export const handler = sagaTaskHandler('CreateShipment');
