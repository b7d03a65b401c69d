/**
 * The checkout service: turns scans and payments into cart changes, sale facts
 * and receipts. Business rules come from the domain; this file only wires the
 * replica, the devices and the UI state together.
 */
import { ulid } from 'ulid';
import {
  addProduct,
  buildCashSale,
  buildReceipt,
  CartError,
  emptyCart,
  validateSale,
  type Sale,
  type Store,
} from '@pos/domain';
import { findByBarcode, type Outbox, type ReplicaDatabase } from '@pos/replica';
import type { ScanEvent } from '@pos/hardware/protocol';
import type { TerminalConfig } from '../shared/config';
import type { TerminalApi } from '../shared/terminal-api';
import { usePosStore } from './store';

export type Checkout = {
  scan(scan: ScanEvent): Promise<void>;
  payCash(tendered: number): Promise<void>;
};

export function createCheckout(deps: {
  db: ReplicaDatabase;
  outbox: Pick<Outbox, 'recordSale'>;
  api: TerminalApi;
  config: TerminalConfig;
  now?: () => Date;
  newId?: () => string;
}): Checkout {
  const { db, api, config } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? (() => `${config.deviceId}-${ulid()}`);
  const state = usePosStore;

  // Scans and payments run one at a time in arrival order, so no scan is lost
  // or doubled, even one that arrives while a payment is being stored.
  let queue: Promise<unknown> = Promise.resolve();
  const enqueue = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  };

  async function handleScan(scan: ScanEvent): Promise<void> {
    try {
      const lookup = await findByBarcode(db, scan.code, config.priceList);
      if (!lookup.found) {
        state.getState().showMessage('error', lookup.reason);
        return;
      }
      const s = state.getState();
      s.setCart(addProduct(s.cart, lookup.product, lookup.price));
      s.showMessage('info', lookup.product.name);
    } catch (error) {
      state.getState().showMessage('error', `Scan of ${scan.code} not added: ${errorText(error)}`);
    }
  }

  async function printReceipt(sale: Sale): Promise<void> {
    const storeDoc = await db.stores.findOne(sale.storeId).exec();
    const store: Pick<Store, 'name' | 'address'> = storeDoc
      ? storeDoc.toJSON()
      : { name: sale.storeId, address: '' };
    try {
      await api.printReceipt(buildReceipt(sale, store), config.receiptColumns);
    } catch (error) {
      state.getState().showMessage('error', `Receipt not printed: ${errorText(error)}`);
    }
  }

  return {
    scan: (scan) => enqueue(() => handleScan(scan)),
    async payCash(tendered) {
      const sale = await enqueue(() => recordPayment(tendered));
      // Printing waits for the printer, not the queue: the next scan is not held up.
      if (sale) await printAndOpenDrawer(sale);
    },
  };

  /** Records the sale and starts a new cart; null when nothing was sold. */
  async function recordPayment(tendered: number): Promise<Sale | null> {
    const s = state.getState();
    let sale: Sale;
    try {
      sale = buildCashSale(s.cart, tendered, {
        id: newId(),
        storeId: config.storeId,
        deviceId: config.deviceId,
        now: now().toISOString(),
      });
    } catch (error) {
      s.showMessage('error', errorText(error));
      return null;
    }
    // The server refuses an invalid sale, and RxDB would then retry that push
    // forever, holding up every later sale: so nothing invalid is stored.
    const problems = validateSale(sale);
    if (problems.length) {
      s.showMessage(
        'error',
        `This sale cannot be recorded: ${problems[0]!.path} ${problems[0]!.message}`,
      );
      return null;
    }
    // The sale is durable in the local replica before the cashier sees "paid".
    try {
      await deps.outbox.recordSale(sale);
    } catch (error) {
      s.showMessage('error', `The sale was not recorded, nothing was sold: ${errorText(error)}`);
      return null;
    }
    s.completeSale(sale, emptyCart(config.currency));
    return sale;
  }

  async function printAndOpenDrawer(sale: Sale): Promise<void> {
    await Promise.all([
      printReceipt(sale),
      api.openDrawer().catch((error: unknown) => {
        state.getState().showMessage('error', `Drawer did not open: ${errorText(error)}`);
      }),
    ]);
  }
}

function errorText(error: unknown): string {
  if (error instanceof CartError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
