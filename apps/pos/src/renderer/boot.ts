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
import { createProductSearch, type ProductSearch } from './product-search';
import { createReturnsDesk, type ReturnsDesk } from './returns-desk';
import { createSession, type Session } from './session';
import { usePosStore } from './store';
import { getTerminalApi } from './terminal';

/** Everything the screens call. */
export type Till = {
  checkout: Checkout;
  session: Session;
  returns: ReturnsDesk;
  search: ProductSearch;
};

export async function boot(): Promise<Till> {
  const store = usePosStore.getState();
  const api = getTerminalApi();
  const config = await api.getConfig();
  usePosStore.setState({
    currency: config.currency,
    locale: config.locale,
    language: config.language ?? 'zh-CN',
  });

  // Strict durability: IndexedDB flushes each commit to disk, so a sale the
  // cashier saw as paid survives a power cut, not only a crash of the app.
  const storage = getRxStorageDexie({ chromeTransactionDurability: 'strict' });
  const db = await openReplica({ name: `pos-${config.deviceId.toLowerCase()}`, storage });
  // The replica polls for live changes rather than holding long polls, so
  // the browser's 6 connections to the server are never all taken.
  const target = { url: config.syncUrl, token: config.syncToken };
  const outbox = await openOutbox(db, target);
  const replication = startReplication(db, target);
  replication.status$.subscribe((status) => usePosStore.getState().setSync(status));
  outbox.pending$.subscribe((waiting) => usePosStore.setState({ waitingUploads: waiting }));
  watchOutbox(outbox, replication);
  // Upload waiting facts as soon as the network is back, not at the next retry.
  window.addEventListener('online', () => replication.reSync());

  let returns: ReturnsDesk | null = null;
  const checkout = createCheckout({
    db,
    outbox,
    api,
    config,
    onReceiptCode: async (code) => (returns ? returns.open(code) : false),
  });
  returns = createReturnsDesk({ db, outbox, api, config, codeKeys: checkout.codeKeys });
  const session = await createSession({ db, outbox, api, config, checkout });
  const search = createProductSearch(db, config);
  // Scans go to the checkout whatever is on screen: none is lost while a dialog is open.
  api.onScan((scan) => void checkout.scan(scan));
  listenForKeyboardScans(window, (scan) => void checkout.scan(scan));
  api.onDeviceStatus((devices) => usePosStore.getState().setDevices(devices));
  // New or changed promotions reprice the cart in progress.
  db.promotions.find().$.subscribe(() => void checkout.reprice());

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
  return { checkout, session, returns, search };
}
