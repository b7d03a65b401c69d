/**
 * The transfers of the fake tablet: the app core's real use case over an
 * in-memory `/_transfers` (two transfers to act on: one to pick for S002,
 * one shipped from S003 to receive), a memory store for the device and the
 * fake catalog. For `vite` dev and screenshots.
 */
import { createTransfers, type ClerkPorts, type TransferDesk } from '@pos/app-core';
import { encodeSgtin96, withCheckDigit, type Product, type TransferOrder } from '@pos/domain';
import type { TagRead } from '@pos/hardware/protocol';
import type { TransfersServer } from '@pos/replica';

const line = (
  p: Product,
  quantity: number,
  more: Partial<TransferOrder['lines'][number]> = {},
) => ({
  sku: p.id,
  name: p.name,
  quantity,
  ...more,
});

export function createFakeTransfers(options: {
  online(): boolean;
  signedIn(): string | null;
  products: Product[];
  changed(): void;
}): { desk: TransferDesk; readTag(epc: string): void; epcOf(sku: string, serial: number): string } {
  const [a, b, c, d] = options.products;
  let orders: TransferOrder[] = [
    {
      id: 'TR-20261207-3f9a1c2e',
      kind: 'transfer',
      from: 'S001',
      to: 'S002',
      status: 'draft',
      lines: [line(a!, 3), line(b!, 2), line(c!, 1)],
      reason: '徐汇店 M 码缺货',
      createdAt: '2026-12-07T02:10:00.000Z',
      createdBy: 'hq-admin',
      steps: [],
    },
    {
      id: 'TR-20261206-8b21d0aa',
      kind: 'transfer',
      from: 'S003',
      to: 'S001',
      status: 'shipped',
      lines: [line(d!, 4, { picked: 4, shipped: 4 }), line(a!, 2, { picked: 2, shipped: 2 })],
      reason: 'slow seller at S003',
      createdAt: '2026-12-06T08:00:00.000Z',
      createdBy: 'hq-admin',
      steps: [],
    },
  ];
  const server: TransfersServer = {
    async list() {
      if (!options.online()) return { ok: false, offline: true, reason: 'no network' };
      return { ok: true, value: { transfers: orders } };
    },
    async confirmStep(transferId, request) {
      if (!options.online()) return { ok: false, offline: true, reason: 'no network' };
      const found = orders.find((o) => o.id === transferId)!;
      const field = request.step === 'ready' ? 'picked' : request.step;
      const after: TransferOrder = {
        ...found,
        status: request.step,
        lines: found.lines.map((l) => {
          const units = request.lines.find((r) => r.sku === l.sku)?.quantity ?? 0;
          return request.step === 'received'
            ? { ...l, received: units, discrepancy: units - (l.shipped ?? 0) }
            : { ...l, [field]: units };
        }),
      };
      orders = orders.map((o) => (o.id === transferId ? after : o));
      options.changed();
      return { ok: true, value: after };
    },
  };
  const data = new Map<string, string>();
  const readers = new Set<(read: TagRead) => void>();
  const lookup = async (match: (p: Product) => boolean) => {
    const product = options.products.find(match);
    return product
      ? { found: true as const, product, price: undefined }
      : { found: false as const, reason: 'not in the catalog' };
  };
  const epcOf = (sku: string, serial: number) => {
    // The fake catalog's GTINs carry no check digit; a tag's does.
    const gtin = withCheckDigit(options.products.find((p) => p.id === sku)!.gtin!.slice(0, 13));
    const made = encodeSgtin96({ gtin, serial });
    if (!made.ok) throw new Error(made.message);
    return made.epc;
  };
  const ports = {
    replica: {
      byBarcode: (code: string) => lookup((p) => p.gtin === code || p.gtin === `0${code}`),
      bySku: (sku: string) => lookup((p) => p.id === sku.toUpperCase()),
      byEpc: (epc: string) =>
        lookup((p) => [1, 2, 3, 4, 5, 6, 7, 8, 9].some((n) => epcOf(p.id, n) === epc)),
    },
    config: { storeId: 'S001', deviceId: 'S001-TAB1', currency: 'CNY', receiptColumns: 48 },
    state: { get: () => ({ staff: options.signedIn() ? { id: options.signedIn() } : null }) },
    clock: () => new Date('2026-12-07T03:00:00.000Z'),
    newId: (() => {
      let n = 0;
      return () => `S001-TAB1-STEP${String(++n).padStart(4, '0')}`;
    })(),
    local: {
      get: async <T>(key: string) => (data.has(key) ? (JSON.parse(data.get(key)!) as T) : null),
      set: async (key: string, value: unknown) => void data.set(key, JSON.stringify(value)),
      remove: async (key: string) => void data.delete(key),
      keys: async (prefix: string) => [...data.keys()].filter((k) => k.startsWith(prefix)).sort(),
    },
    online: options.online,
    transfers: server,
    floor: {
      onTagRead: (callback: (read: TagRead) => void) => {
        readers.add(callback);
        return () => readers.delete(callback);
      },
    },
  } as unknown as ClerkPorts & Parameters<typeof createTransfers>[0];
  return {
    desk: createTransfers(ports),
    readTag(epc) {
      for (const r of [...readers]) r({ epc, scheme: 'sgtin-96' } as TagRead);
    },
    epcOf,
  };
}
