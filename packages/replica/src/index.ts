export * from './database';
export * from './replication';
export * from './lookups';
export * from './outbox';
export * from './initial-sync';
