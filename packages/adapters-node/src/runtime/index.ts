export * from './random';
export * from './system-clock';
export * from './timers';
