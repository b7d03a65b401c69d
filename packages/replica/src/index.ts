export * from './database';
export * from './migrations';
export * from './replication';
export * from './lookups';
export * from './product-search';
export * from './members';
export * from './outbox';
export * from './initial-sync';
