export * from './http/http-client';
export * from './ids/ulid';
export * from './payments/index';
export * from './runtime/index';
export * from './shipping/local-carrier';
