export * from './answer-loss';
export * from './fake-carrier';
export * from './fake-payment-provider';
export * from './in-memory-item-store';
export * from './order-fixtures';
