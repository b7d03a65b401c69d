/**
 * Start-up: configuration, local replica, replication, devices. The terminal is
 * ready to sell as soon as its replica holds a catalog, online or not.
 */
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import {
  openOutbox,
  openReplica,
  startReplication,
  trackInitialSync,
  watchOutbox,
} from '@pos/replica';
import { createCheckout, type Checkout } from './checkout';
import { listenForKeyboardScans } from './keyboard-scanner';
import { usePosStore } from './store';
import { getTerminalApi } from './terminal';

export async function boot(): Promise<Checkout> {
  const store = usePosStore.getState();
  const api = getTerminalApi();
  const config = await api.getConfig();
  usePosStore.setState({ currency: config.currency, locale: config.locale });

  // Strict durability: IndexedDB flushes each commit to disk, so a sale the
  // cashier saw as paid survives a power cut, not only a crash of the app.
  const storage = getRxStorageDexie({ chromeTransactionDurability: 'strict' });
  const db = await openReplica({ name: `pos-${config.deviceId.toLowerCase()}`, storage });
  const target = { url: config.syncUrl, token: config.syncToken };
  const outbox = await openOutbox(db, target);
  const replication = startReplication(db, target);
  replication.status$.subscribe((status) => usePosStore.getState().setSync(status));
  outbox.pending$.subscribe((waiting) => usePosStore.setState({ waitingUploads: waiting }));
  watchOutbox(outbox, replication);
  // Upload waiting sales as soon as the network is back, not at the next retry.
  window.addEventListener('online', () => replication.reSync());

  const checkout = createCheckout({ db, outbox, api, config });
  api.onScan((scan) => void checkout.scan(scan));
  listenForKeyboardScans(window, (scan) => void checkout.scan(scan));
  api.onDeviceStatus((devices) => usePosStore.getState().setDevices(devices));

  db.stores.findOne(config.storeId).$.subscribe((doc) => {
    if (doc) usePosStore.setState({ storeName: doc.name });
  });

  const hasCatalog = (await db.products.count().exec()) > 0;
  if (!hasCatalog) {
    store.setPhase({ kind: 'starting', detail: 'Downloading the catalog' });
    trackInitialSync(replication, target).subscribe((progress) =>
      usePosStore.setState({ initialSync: progress }),
    );
    await replication.awaitInitialSync();
  }
  usePosStore.getState().setPhase({ kind: 'ready' });
  return checkout;
}
