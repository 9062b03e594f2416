export * from './random';
export * from './timers';
