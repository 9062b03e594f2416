export * from './api/common';
export * from './api/operations';
export * from './api/orders';
export * from './api/products';
export * from './api/text';
export * from './events/envelope';
export * from './events/event-types';
export * from './json/canonical-json';
