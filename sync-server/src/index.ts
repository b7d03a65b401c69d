export { createSyncServer, type SyncServer, type SyncServerOptions, type Logger } from './server';
export { startSyncServer, type StartOptions, type RunningSyncServer } from './start';
export {
  certificateFingerprint,
  checkTls,
  ensureDemoCertificate,
  generateCertificate,
  localNames,
  normaliseFingerprint,
  readTlsFiles,
  type DemoCertificate,
  type GeneratedCertificate,
  type TlsOptions,
} from './tls';
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
  rotateDeviceToken,
  TOKEN_ROTATION_GRACE_MS,
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
  DEMO_WAREHOUSE,
  DEMO_WAREHOUSE_STOCK,
  DEMO_TWO_STORE_ORDER,
} from './demo-data';
export {
  DEMO_STYLE,
  DEMO_STYLE_ID,
  DEMO_STYLE_PRODUCTS,
  DEMO_STYLE_PRICES,
  DEMO_STYLE_STOCK,
  DEMO_MISSING_SKU,
  DEMO_COMMISSION_RULES,
  DEMO_TABLETS,
  DEMO_FITTING_ROOM_SERVICES,
  DEMO_CLERKS,
} from './demo-clerk';
export {
  DEMO_STAFF,
  DEMO_PINS,
  DEMO_MEMBERS,
  DEMO_MEMBER_VIEWS,
  DEMO_PROMOTIONS,
  DEMO_COUPONS,
  DEMO_EARN_RULES,
  DEMO_REDEMPTION,
  DEMO_POINTS_PROGRAMME,
  DEMO_CODE_KEY,
} from './demo-people';
export {
  EXCEPTIONS_DB,
  readPointsProgramme,
  writePointsProgramme,
  type ExceptionKind,
  type FactException,
  type CouponRedemption,
} from './ledgers';
export { SYNC_PROTOCOL_VERSION } from './protocol';
export {
  SERVER_VERSIONS,
  PROTOCOL_HEADER,
  SCHEMA_HEADER,
  checkClientVersions,
  type ServerVersions,
} from './version';
export type { Incompatibility } from '@pos/domain';
export { DEFAULT_RATE_LIMIT, type RateLimitOptions } from './rate-limit';
export { importCsv, type ImportResult, type Encoding } from './import/import-store';
export {
  IMPORT_KINDS,
  formatProblem,
  type ImportKind,
  type ImportProblem,
} from './import/csv-import';
export { generateChain, type GenerateOptions, type ChainProgress } from './demo-chain-load';
export { DEFAULT_CHAIN, DEMO_STAFF_PIN, type ChainSize } from './demo-chain';
export { ServerMetrics } from './metrics';
export { jsonLogger, jsonRequestLog, type RequestLogEntry, type RequestLogger } from './json-log';
export {
  DEMO_PRIVACY_KEYS,
  localKms,
  parseIndexKey,
  parseMasterKeys,
  privacyKeysFromEnv,
  type Kms,
  type PrivacyKeys,
} from './pii/keyring';
export {
  MEMBER_PII_DB,
  memberVault,
  shredMember,
  writeMemberRecords,
  type MemberVault,
} from './pii/member-vault';
export { PII_READS_DB, recordPiiRead, type PiiRead, type PiiReadContext } from './pii/pii-reads';
export { SHOP_ROUTE, type ShopOptions, type ShopPaymentProvider } from './shop/routes';
export {
  SMS_OUTBOX_DB,
  smsSentTo,
  simulatedSmsProvider,
  type SmsMessage,
  type SmsProvider,
} from './shop/sms';
export { STORE_LOCATIONS_DB, type StoreLocation } from './shop/catalog';
export { storeAtp } from './orders/store-orders';
export { DEMO_LOW_SKU, DEMO_SAFETY_STOCK, seedInventoryDemo } from './inventory/demo';
export { TRANSFERS_DB } from './inventory/transfers';
export {
  ADDRESSES_DB,
  plainAddressBook,
  writePlainAddress,
  type AddressBook,
  type ShipAddress,
} from './orders/addresses';
export {
  ROUTING_INPUTS_DB,
  ROUTING_LOCATIONS_DB,
  type DecidedRouting,
  type PlacementRouting,
  type RoutingInput,
  type RoutingLocationsSnapshot,
} from './orders/routing';
export {
  DEFAULT_CARRIER,
  OPEN_SHIPMENTS_DB,
  SHELF_SLOTS_DB,
  simulatedCourier,
  type Courier,
  type OrderShipmentView,
  type ShippingOptions,
} from './orders/shipments';
export { DEMO_SHELF_LABEL_SERVICES, demoLabelIds, seedDemoLabels } from './esl/demo';
export { startPriceChangeSweep, PRICE_CHANGE_SWEEP_MS } from './esl/sweep';
