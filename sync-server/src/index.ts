export { createSyncServer, type SyncServer, type SyncServerOptions, type Logger } from './server';
export { startSyncServer, type StartOptions, type RunningSyncServer } from './start';
export type {
  SyncStorage,
  DocRow,
  DocWrite,
  WriteResult,
  WriteTransaction,
  ChangesPage,
  DbInfo,
  StoreScope,
} from './storage/storage';
export { openStorage, type StorageConfig } from './storage/open-storage';
export { openPgliteStorage, DEFAULT_DATA_DIR } from './storage/pglite';
export { openPostgresStorage, type PostgresOptions } from './storage/postgres';
export {
  hashToken,
  provisionDevice,
  provisionDeviceToken,
  provisionAdminToken,
  type Principal,
} from './auth';
export {
  seedDemo,
  DEMO_DEVICES,
  DEMO_STORES,
  DEMO_PRODUCTS,
  DEMO_PRICES,
  DEMO_STOCK,
  DEMO_PRICE_LIST,
} from './demo-data';
export { SYNC_PROTOCOL_VERSION } from './protocol';
export {
  SERVER_VERSIONS,
  PROTOCOL_HEADER,
  SCHEMA_HEADER,
  checkClientVersions,
  type ServerVersions,
  type Incompatibility,
} from './version';
export { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './rate-limit';
