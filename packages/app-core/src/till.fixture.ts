/**
 * For the use cases' tests only: a till over a real replica in memory, fake
 * devices that record what they were asked, and a clock and ids the test sets.
 */
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { PrintableDocument, PosBridge } from '@pos/hardware/protocol';
import { toHex, type MemberRecord, type SaleReceipt } from '@pos/domain';
import { INDEX_KEY_FIXTURE } from '@pos/domain/fixtures';
import {
  createTillReplica,
  openOutbox,
  openReplica,
  type Outbox,
  type ReplicaDatabase,
  type TillReplica,
} from '@pos/replica';
import { indexKeyOf } from './checkout';
import type { DeviceBridge, TillConfig, TillPorts } from './ports';
import { createStateStore, initialTillState } from './state';

/** The demo chain's members of store S001, as HQ writes them (plaintext: tests only). */
export const ZHANG_WEI: MemberRecord = {
  id: 'M0001',
  phone: '13800138001',
  name: '张伟',
  tier: 'gold',
  homeStoreId: 'S001',
  points: 1200,
  status: 'active',
};
export const LI_NA: MemberRecord = {
  id: 'M0002',
  phone: '13800138002',
  name: '李娜',
  tier: 'basic',
  homeStoreId: 'S001',
  points: 300,
  status: 'active',
};

export const TEST_TILL_CONFIG = {
  storeId: 'S001',
  deviceId: 'S001-POS1',
  priceList: 'CN-LIST',
  currency: 'CNY',
  receiptColumns: 48,
  memberIndexKey: { id: INDEX_KEY_FIXTURE.id, secretHex: toHex(INDEX_KEY_FIXTURE.secret) },
} satisfies TillConfig & { priceList: string };

/** Devices that print and open the drawer, and remember it. */
export function fakeDevices() {
  const printed: SaleReceipt[] = [];
  const documents: PrintableDocument[] = [];
  let drawer = 0;
  const devices: DeviceBridge & Pick<PosBridge, 'printReceipt'> = {
    printReceipt: async (receipt) => {
      printed.push(receipt);
      return { printed: true };
    },
    printDocument: async (document) => {
      documents.push(document);
      return { printed: true };
    },
    openDrawer: async () => void (drawer += 1),
  };
  return { devices, printed, documents, drawers: () => drawer };
}

let databases = 0;

export async function openTestReplica(): Promise<{ db: ReplicaDatabase; outbox: Outbox }> {
  const db = await openReplica({ name: `till${databases++}`, storage: getRxStorageMemory() });
  // Never confirms here: no server is asked in these tests.
  const outbox = await openOutbox(db, { url: 'http://127.0.0.1:9', token: 't' });
  return { db, outbox };
}

/** The ports of a till over `db`; anything can be replaced. */
export function testPorts(
  db: ReplicaDatabase,
  outbox: Pick<Outbox, 'record'>,
  overrides: Partial<Omit<TillPorts, 'replica' | 'config'>> & {
    replica?: Partial<TillReplica>;
    config?: Partial<TillConfig>;
  } = {},
): TillPorts {
  const config = { ...TEST_TILL_CONFIG, ...overrides.config };
  const replica = {
    ...createTillReplica(db, {
      storeId: config.storeId,
      deviceId: config.deviceId,
      priceList: TEST_TILL_CONFIG.priceList,
      target: { url: 'http://127.0.0.1:9', token: 't' },
      indexKey: indexKeyOf(config),
    }),
    ...overrides.replica,
  };
  let ids = 0;
  return {
    outbox: overrides.outbox ?? outbox,
    devices: overrides.devices ?? fakeDevices().devices,
    state: overrides.state ?? createStateStore(initialTillState('CNY')),
    clock: overrides.clock ?? (() => new Date()),
    newId: overrides.newId ?? (() => `${config.deviceId}-01JTEST${String(ids++).padStart(6, '0')}`),
    language: overrides.language ?? (() => 'zh-CN'),
    config,
    replica,
  };
}
