export * from './applied-items';
export * from './change-applier';
export * from './change-feed';
export * from './lag-tracker';
export * from './link-state';
export * from './replication-puller';
export * from './replication-schema';
