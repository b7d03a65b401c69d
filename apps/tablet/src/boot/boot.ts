/**
 * Start-up of a provisioned tablet: its own replica (RxDB on IndexedDB),
 * replication with the sync server it was served from, the till's use cases
 * (sign-in and approvals, search, stock, the pickup desk) and the clerk's
 * desk, fitting rooms and counts over the same ports, the store's hub and
 * the camera: the `Tablet` the screens are given ([TA1]). The tablet is usable as soon as its
 * replica holds a catalog, online or not ([TA2]).
 */
import { ulid } from 'ulid';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import {
  createCheckout,
  createClerkDesk,
  createCounts,
  createTransfers,
  createFitting,
  createPickupDesk,
  createProductSearch,
  createSession,
  createStateStore,
  indexKeyOf,
  initialTillState,
  stockOf,
  type ClerkPorts,
  type DeviceBridge,
  type FittingPorts,
  type TillConfig,
} from '@pos/app-core';
import {
  createHttpClerkServer,
  createHttpRfidServer,
  createHttpTransfersServer,
  storeTransfers,
  createTillReplica,
  openClerkLocalStore,
  openOutbox,
  openReplica,
  startProductSearch,
  firstDownloadPending,
  startReplication,
  trackInitialSync,
  watchOutbox,
  type InitialSyncProgress,
  type SyncStatus,
} from '@pos/replica';
import { HubRequestError } from '@pos/hardware/browser-bridge';
import { createCamera } from '../camera/camera';
import { connectHub } from '../hub/hub';
import type { Tablet, TabletHub, TabletSync } from '../tablet';
import type { TabletProvisioning } from './provisioning';

export type BootProgress =
  | { kind: 'opening' }
  /** The first start: the catalog is downloading. */
  | { kind: 'downloading'; progress: InitialSyncProgress | null };

/** The receipt printer is the hub's; without a hub the tablet prints nothing, and says so. */
function devicesOf(hub: Pick<DeviceBridge, 'printReceipt' | 'printDocument'> | null): DeviceBridge {
  const none = async (): Promise<never> => {
    throw new HubRequestError('HUB_UNAVAILABLE', 'this tablet has no store hub for printing');
  };
  return {
    printReceipt: hub ? (...args) => hub.printReceipt(...args) : none,
    printDocument: hub ? (...args) => hub.printDocument(...args) : none,
    openDrawer: none,
  };
}

/** The language printed slips are in: the screen's, which the screens put on their root's `lang`. */
function screenLanguage(): 'zh-CN' | 'en' {
  const shown = document.querySelector('#root [lang]') ?? document.documentElement;
  return shown.getAttribute('lang')?.startsWith('en') ? 'en' : 'zh-CN';
}

export async function bootTablet(
  provisioning: TabletProvisioning,
  onProgress: (progress: BootProgress) => void,
  options: { serverUrl?: string } = {},
): Promise<Tablet> {
  onProgress({ kind: 'opening' });
  const config: TillConfig = {
    storeId: provisioning.storeId,
    deviceId: provisioning.deviceId,
    currency: provisioning.currency,
    receiptColumns: 48,
    utcOffsetMinutes: provisioning.utcOffsetMinutes,
    codeKeys: provisioning.codeKeys,
    ...(provisioning.memberIndexKey ? { memberIndexKey: provisioning.memberIndexKey } : {}),
    ...(provisioning.pickupStoreKeys ? { pickupStoreKeys: provisioning.pickupStoreKeys } : {}),
    ...(provisioning.pickupQrKeys ? { pickupQrKeys: provisioning.pickupQrKeys } : {}),
    ...(provisioning.earnRules ? { earnRules: provisioning.earnRules } : {}),
    ...(provisioning.redemption ? { redemption: provisioning.redemption } : {}),
  };
  // [PI2] The blind-index key comes from the provisioning, never from the replica.
  const indexKey = indexKeyOf(config);
  const storage = getRxStorageDexie({ chromeTransactionDurability: 'strict' });
  const db = await openReplica({
    name: `tablet-${provisioning.deviceId.toLowerCase()}`,
    storage,
    ...(indexKey ? { indexKey } : {}),
  });
  // The sync server that served the page: replication and the clerk API on one origin.
  const target = {
    url: options.serverUrl ?? location.origin,
    token: provisioning.deviceToken,
  };
  const outbox = await openOutbox(db, target);
  const replication = startReplication(db, target);
  watchOutbox(outbox, replication);

  // The sync state the status line shows.
  let status: SyncStatus = { active: false, lastError: null, lastSyncAt: null };
  let waiting = 0;
  const syncListeners = new Set<() => void>();
  const changed = () => {
    for (const listener of [...syncListeners]) listener();
  };
  const online = () => navigator.onLine && status.lastError === null;
  replication.status$.subscribe((next) => {
    status = next;
    changed();
  });
  outbox.pending$.subscribe((count) => {
    waiting = count;
    changed();
  });
  window.addEventListener('offline', changed);

  const connected = provisioning.hub ? connectHub(provisioning.hub) : null;
  const hub: TabletHub | null = connected?.hub ?? null;
  const state = createStateStore(initialTillState(provisioning.currency));
  const ports: ClerkPorts = {
    replica: createTillReplica(db, {
      storeId: provisioning.storeId,
      deviceId: provisioning.deviceId,
      priceList: provisioning.priceList,
      target,
      search: startProductSearch(db),
      ...(indexKey ? { indexKey } : {}),
    }),
    outbox,
    devices: devicesOf(connected?.bridge ?? null),
    config,
    state,
    clock: () => new Date(),
    newId: () => `${provisioning.deviceId}-${ulid()}`,
    language: screenLanguage,
    server: createHttpClerkServer({ baseUrl: target.url, token: target.token }),
    local: openClerkLocalStore(db),
    online,
  };
  const checkout = createCheckout(ports);
  const session = await createSession({ ...ports, checkout });
  const clerk = createClerkDesk(ports);
  const pickup = createPickupDesk(ports);
  // [FM1] Fitting rooms and counts: the server's /_rfid/ routes and the hub's floor.
  const floorPorts: FittingPorts = {
    ...ports,
    rfid: createHttpRfidServer({ baseUrl: target.url, token: target.token }),
    floor: connected?.bridge ?? null,
    storeName: async (storeId) => (await db.stores.findOne(storeId).exec())?.name ?? null,
  };
  const fitting = createFitting(floorPorts);
  const counts = createCounts(floorPorts);
  // [CL15] Transfers: the server's /_transfers routes and the hub's RFID reads.
  const transfers = createTransfers({
    ...ports,
    transfers: createHttpTransfersServer({ baseUrl: target.url, token: target.token }),
    floor: connected?.bridge ?? null,
    replicated: () => storeTransfers(db, provisioning.storeId),
  });
  const search = createProductSearch(ports.replica);

  // [CL8] Orders queued offline are sent when the network is back: when the
  // browser says so, and when the sync server answers again after an error.
  let flushing: Promise<unknown> | null = null;
  const flush = () => {
    // The screens follow the queue through `sync.watch`: told once the flush is done.
    flushing ??= Promise.all([clerk.flush(), counts.flush(), transfers.flush()]).finally(() => {
      flushing = null;
      changed();
    });
  };
  window.addEventListener('online', () => {
    replication.reSync();
    flush();
    changed();
  });
  let hadError = true;
  replication.status$.subscribe((next) => {
    if (hadError && next.lastError === null && next.lastSyncAt !== null) flush();
    hadError = next.lastError !== null;
  });

  // A first download under way (or killed in the middle) is waited for, not only an empty catalog.
  if (await firstDownloadPending(db)) {
    onProgress({ kind: 'downloading', progress: null });
    const tracking = trackInitialSync(replication, target).subscribe((progress) =>
      onProgress({ kind: 'downloading', progress }),
    );
    await replication.awaitInitialSync();
    tracking.unsubscribe();
  }

  const sync: TabletSync = {
    online,
    waiting: () => waiting,
    lastSync: () => status.lastSyncAt,
    watch(listener) {
      syncListeners.add(listener);
      return () => syncListeners.delete(listener);
    },
  };
  let storeName = provisioning.storeName;
  const storeDoc = await db.stores.findOne(provisioning.storeId).exec();
  if (storeDoc) storeName = storeDoc.name;
  return {
    config: {
      storeId: provisioning.storeId,
      storeName,
      deviceId: provisioning.deviceId,
      utcOffsetMinutes: provisioning.utcOffsetMinutes,
    },
    session,
    clerk,
    fitting,
    counts,
    transfers,
    pickup,
    search,
    stock: (sku) => stockOf(ports.replica, sku),
    hub,
    camera: createCamera(),
    sync,
  };
}
