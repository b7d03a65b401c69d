/**
 * Start-up: configuration, local replica, replication, devices, and the app
 * core's use cases over them. The terminal is ready to sell as soon as its
 * replica holds a catalog, online or not.
 */
import { ulid } from 'ulid';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import {
  addPaymentTender,
  amountDue,
  createCheckout,
  createFulfilmentDesk,
  createPickupDesk,
  createProductSearch,
  createReturnsDesk,
  createSession,
  counterReads,
  indexKeyOf,
  stockOf,
  watchStockOf,
  type Checkout,
  type FulfilmentDesk,
  type Outcome,
  type PaymentMethod,
  type PickupDesk,
  type ProductSearch,
  type ReturnsDesk,
  type Session,
  type StockInfo,
  type TillPorts,
} from '@pos/app-core';
import type { Minor, PaymentTender } from '@pos/domain';
import type { ScanEvent } from '@pos/hardware/protocol';
import {
  createTillReplica,
  openOutbox,
  openReplica,
  startProductSearch,
  firstDownloadPending,
  startReplication,
  trackInitialSync,
  watchOutbox,
} from '@pos/replica';
import { zoneOfOffset } from '@pos/ui';
import { listenForKeyboardScans } from './keyboard-scanner';
import { counterReaderOf, onSaleScreen, refusedAfter } from './rfid-counter';
import { usePosStore } from './store';
import { getTerminalApi } from './terminal';
import { tillState } from './till-state';

/** Everything the screens call. */
export type Till = {
  checkout: Checkout;
  session: Session;
  returns: ReturnsDesk;
  /** The pickup desk and returns of online orders. */
  pickup: PickupDesk;
  /** [FD1]-[FD8] The store's parcels: pick, pack, label and hand over. */
  fulfilment: FulfilmentDesk;
  /** [FD1] Calls `listener` now and whenever the store's parcels change on the replica. */
  watchParcels(listener: () => void): () => void;
  search: ProductSearch;
  /** [AC3] A SKU's stock at this store. */
  stock(sku: string): Promise<StockInfo>;
  /** [AC3] Follows a SKU's stock at this store as the server sends it; returns a stop function. */
  watchStock(sku: string, listener: (info: StockInfo) => void): () => void;
  payment: {
    amountDue(
      total: Minor,
      tenders: readonly PaymentTender[],
      method: PaymentMethod,
    ): ReturnType<typeof amountDue>;
    addTender(
      total: Minor,
      tenders: readonly PaymentTender[],
      tender: PaymentTender,
    ): ReturnType<typeof addPaymentTender>;
  };
};

export async function boot(): Promise<Till> {
  const store = usePosStore.getState();
  const api = getTerminalApi();
  const config = await api.getConfig();
  usePosStore.setState({
    currency: config.currency,
    locale: config.locale,
    language: config.language ?? 'zh-CN',
    timeZone: config.timeZone ?? zoneOfOffset(config.utcOffsetMinutes ?? 480),
    memberByPhone: config.memberIndexKey !== undefined,
  });
  // [PI2] The blind-index key comes from the terminal's configuration, never from the replica.
  const indexKey = indexKeyOf(config);
  tillState.set({ cart: { ...tillState.get().cart, currency: config.currency } });

  // Strict durability: IndexedDB flushes each commit to disk, so a sale the
  // cashier saw as paid survives a power cut, not only a crash of the app.
  const storage = getRxStorageDexie({ chromeTransactionDurability: 'strict' });
  // With the key, members and sales an earlier version stored in plaintext are masked at open.
  const db = await openReplica({
    name: `pos-${config.deviceId.toLowerCase()}`,
    storage,
    ...(indexKey ? { indexKey } : {}),
  });
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

  const ports: TillPorts = {
    replica: createTillReplica(db, {
      storeId: config.storeId,
      deviceId: config.deviceId,
      priceList: config.priceList,
      target,
      search: startProductSearch(db),
      ...(indexKey ? { indexKey } : {}),
    }),
    outbox,
    devices: api,
    config,
    state: tillState,
    clock: () => new Date(),
    newId: () => `${config.deviceId}-${ulid()}`,
    language: () => usePosStore.getState().language,
  };
  let returns: ReturnsDesk | null = null;
  const pickup = createPickupDesk(ports);
  // [TL8] The counter's reader: configured, else the hub's only RFID reader without a zone engine.
  let zoneEngineSeen = false;
  api.onZoneEvent?.(() => void (zoneEngineSeen = true));
  const checkout = createCheckout({
    ...ports,
    counterReader: () =>
      counterReaderOf(config.rfidCheckoutReader, usePosStore.getState().devices, zoneEngineSeen),
    onReceiptCode: async (code) => (returns ? returns.open(code) : null),
    // A pickup QR scanned at the checkout opens its order at the desk (or its return when asked).
    onPickupCode: (code) => pickup.scanned(code),
  });
  returns = createReturnsDesk({ ...ports, codeKeys: checkout.codeKeys });
  const session = await createSession({ ...ports, checkout });
  const search = createProductSearch(ports.replica);
  const show = (outcome: Outcome<unknown>) => usePosStore.getState().show(outcome);
  const fulfilment = createFulfilmentDesk(ports);
  // Scans go to the checkout whatever is on screen: none is lost while a dialog is open.
  // While a parcel is open at the fulfilment desk they pick its items instead ([FD3]);
  // the desk shows each answer in large letters.
  const onScan = (scan: ScanEvent) =>
    tillState.get().parcel ? void fulfilment.scan(scan.code) : void checkout.scan(scan).then(show);
  api.onScan(onScan);
  listenForKeyboardScans(window, onScan);
  // [FD4] RFID tags read while a parcel is open pick its items, once per tag.
  // [TL8] On the sale screen the counter reader's tags ring up the sale; elsewhere they are dropped.
  api.onTagRead?.((read) => {
    if (tillState.get().parcel) return void fulfilment.tagRead(read);
    const ui = usePosStore.getState();
    // [TL10] While a return is open, the counter's tags name the items brought back.
    if (tillState.get().returning) {
      const counter = counterReaderOf(config.rfidCheckoutReader, ui.devices, zoneEngineSeen);
      if (counterReads([read], counter).counter.length > 0) {
        usePosStore.setState({ returnTags: new Set([...ui.returnTags, read.epc.toUpperCase()]) });
      }
      return;
    }
    if (!onSaleScreen(tillState.get(), ui)) return;
    void checkout.tagReads(read).then((outcome) => {
      if (outcome.ok && outcome.value.ignored > 0) return;
      show(outcome);
      usePosStore.setState({
        rfidRefused: refusedAfter(usePosStore.getState().rfidRefused, outcome),
      });
    });
  });
  // [TL9] The refused tags are listed until the sale is paid or the cart emptied.
  let linesBefore = 0;
  let returning = tillState.get().returning;
  tillState.subscribe(() => {
    if (tillState.get().returning !== returning) {
      returning = tillState.get().returning;
      usePosStore.setState({ returnTags: new Set() });
    }
    const lines = tillState.get().cart.lines.length;
    if (lines === 0 && linesBefore > 0) usePosStore.setState({ rfidRefused: [] });
    linesBefore = lines;
  });
  api.onDeviceStatus((devices) => usePosStore.getState().setDevices(devices));
  // New or changed promotions reprice the cart in progress.
  db.promotions.find().$.subscribe(() => void checkout.reprice().then(show));

  db.stores.findOne(config.storeId).$.subscribe((doc) => {
    if (doc) usePosStore.setState({ storeName: doc.name });
  });

  // A first download under way (or killed in the middle) is waited for, not only an empty catalog.
  if (await firstDownloadPending(db)) {
    store.setPhase({ kind: 'starting', detail: 'Downloading the catalog' });
    trackInitialSync(replication, target).subscribe((progress) =>
      usePosStore.setState({ initialSync: progress }),
    );
    await replication.awaitInitialSync();
  }
  usePosStore.getState().setPhase({ kind: 'ready' });
  const rounding = config.cashRounding;
  return {
    checkout,
    session,
    returns,
    pickup,
    fulfilment,
    watchParcels: (listener) => ports.replica.watchShipments(listener),
    search,
    stock: (sku) => stockOf(ports.replica, sku),
    watchStock: (sku, listener) => watchStockOf(ports.replica, sku, listener),
    payment: {
      amountDue: (total, tenders, method) => amountDue(total, tenders, method, rounding),
      addTender: (total, tenders, tender) => addPaymentTender(total, tenders, tender, rounding),
    },
  };
}
