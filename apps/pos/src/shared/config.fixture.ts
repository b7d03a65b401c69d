/** A terminal configuration for tests: store S001's first till against a local sync server. */
import type { TerminalConfig } from './config';

export const TEST_TERMINAL_CONFIG: TerminalConfig = {
  storeId: 'S001',
  deviceId: 'S001-POS1',
  syncUrl: 'http://127.0.0.1:5984',
  syncToken: 'demo-s001-pos1',
  priceList: 'CN-LIST',
  currency: 'CNY',
  locale: 'zh-CN',
  receiptColumns: 48,
};
