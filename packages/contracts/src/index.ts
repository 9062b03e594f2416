export * from './events/envelope';
export * from './events/event-types';
export * from './api/common';
export * from './api/products';
export * from './api/orders';
export * from './api/operations';
