/**
 * RFID checkout of N items (issue 17: 20 items, goal ≤ 2 s from the first
 * read to the cart): a real R2000Reader driver on a socat pty pair against
 * the R2000Simulator, the till's real app-core checkout over a replica in
 * memory with N products, each read fed to `checkout.tagReads` one by one as
 * the POS renderer does ([TL8]). Per run the N tags are put in the reader's
 * field at once (the customer's basket on the counter) and the bench times:
 * placed → first read (the reader's inventory cycle), first read → last read,
 * and first read → N lines in the cart (the figure of the goal).
 *
 *   npx tsx apps/pos/bench/rfid-checkout.bench.ts [--items 20] [--runs 20] [--interval-ms 50]
 */
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import {
  createCheckout,
  createStateStore,
  initialTillState,
  type TillConfig,
  type TillPorts,
} from '@pos/app-core';
import { encodeSgtin96, gs1CheckDigit, type Price, type Product } from '@pos/domain';
import { openPtyPair, R2000Reader, R2000Simulator, type TagRead } from '@pos/hardware';
import { createTillReplica, openOutbox, openReplica } from '@pos/replica';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '20' },
    runs: { type: 'string', default: '20' },
    'interval-ms': { type: 'string', default: '50' },
  },
});
const items = Number(values.items);
const runs = Number(values.runs);
const intervalMs = Number(values['interval-ms']);

const READER = 'rfid-1';
const config: TillConfig = {
  storeId: 'S001',
  deviceId: 'S001-POS1',
  currency: 'CNY',
  receiptColumns: 48,
  rfidCheckoutReader: READER,
};

// N garments, each its own SKU and GTIN (company prefix 6904322, 7 digits).
const products: Product[] = Array.from({ length: items }, (_, i) => {
  const body = `069043220${String(i + 1).padStart(4, '0')}`;
  return {
    id: `BENCH-${String(i + 1).padStart(3, '0')}`,
    name: `Garment ${i + 1}`,
    gtin: body + String(gs1CheckDigit(body)),
    category: 'apparel',
    taxClass: 'VAT13',
    status: 'active',
  };
});
const prices: Price[] = products.map((p) => ({
  id: `CN-LIST:${p.id}`,
  priceList: 'CN-LIST',
  sku: p.id,
  amount: 9900,
  currency: 'CNY',
}));
const epcOf = (product: Product, serial: number): string => {
  const encoded = encodeSgtin96({ gtin: product.gtin, serial });
  if (!encoded.ok) throw new Error(encoded.message);
  return encoded.epc;
};

const db = await openReplica({ name: 'rfid-bench', storage: getRxStorageMemory() });
await db.products.bulkInsert(products);
await db.prices.bulkInsert(prices);
const target = { url: 'http://127.0.0.1:9', token: 't' };
const outbox = await openOutbox(db, target);
const replica = createTillReplica(db, {
  storeId: config.storeId,
  deviceId: config.deviceId,
  priceList: 'CN-LIST',
  target,
});

const pty = await openPtyPair();
const simulator = await R2000Simulator.open(pty.simulatorPath);
const reader = new R2000Reader({ path: pty.devicePath, id: READER, intervalMs });
let onRead: (read: TagRead) => void = () => undefined;
reader.onTagRead((read) => onRead(read));
await reader.open();

type Run = { firstRead: number; reads: number; cart: number; total: number };
const results: Run[] = [];
for (let run = 0; run < runs; run++) {
  const state = createStateStore(initialTillState('CNY'));
  let ids = 0;
  const ports: TillPorts = {
    replica,
    outbox,
    devices: {
      printReceipt: async () => ({ printed: true }),
      printDocument: async () => ({ printed: true }),
      openDrawer: async () => undefined,
    },
    config,
    state,
    clock: () => new Date(),
    newId: () => `${config.deviceId}-01JBENCH${String(run).padStart(4, '0')}${ids++}`,
    language: () => 'zh-CN',
  };
  const checkout = createCheckout(ports);
  // New serials each run: the reader's 2 s de-duplication never hides a tag of this basket.
  const tags = products.map((p, i) => ({
    epc: epcOf(p, run * 1000 + i + 1),
    antenna: (i % 4) + 1,
    rssi: -45 - (i % 20),
  }));
  const units = () => state.get().cart.lines.reduce((n, l) => n + (l.epcs?.length ?? 0), 0);
  let first = 0;
  let last = 0;
  let seen = 0;
  const filled = new Promise<number>((resolve) => {
    onRead = (read) => {
      const at = performance.now();
      if (seen++ === 0) first = at;
      last = at;
      void checkout.tagReads(read).then(() => {
        if (units() === items) resolve(performance.now());
      });
    };
  });
  const placed = performance.now();
  simulator.tags = tags;
  const done = await filled;
  simulator.tags = [];
  onRead = () => undefined;
  results.push({
    firstRead: first - placed,
    reads: last - first,
    cart: done - first,
    total: done - placed,
  });
  if (state.get().cart.lines.length !== items) throw new Error('the cart does not hold every item');
  // Let the reader's round with the last basket end before the next is placed.
  await new Promise((resolve) => setTimeout(resolve, 3 * intervalMs + 50));
}
await reader.close();
await simulator.close();
await pty.close();
await db.close();

const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
};
console.log(
  `RFID checkout of ${items} items, ${runs} runs (R2000Reader on a pty against R2000Simulator, ` +
    `${intervalMs} ms round interval, real app-core checkout over the in-memory replica):`,
);
console.log(`  placed → first read (inventory cycle): ${stats(results.map((r) => r.firstRead))}`);
console.log(`  first read → last read:                ${stats(results.map((r) => r.reads))}`);
console.log(`  first read → ${items} lines in the cart:    ${stats(results.map((r) => r.cart))}`);
console.log(`  placed → ${items} lines in the cart:        ${stats(results.map((r) => r.total))}`);
