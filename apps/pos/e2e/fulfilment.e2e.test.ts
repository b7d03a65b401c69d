/**
 * Ship from the nearest stores, end to end in Chromium on the real sync
 * server (PostgreSQL when TEST_DATABASE_URL is set, else PGlite): an online
 * order of 3 lines placed through the orders API as the shop's server does
 * and paid through the payment provider's notification is routed to two
 * stores, S001 and S002; each store picks it on its own till (one POS
 * renderer per store) by scanning on its scanner, packs, prints the packing
 * slip and the shipping label on its label printer (a simulated ZPL printer
 * that decodes what it prints) and hands the parcel to the courier. One
 * store rejects a line: it is rerouted to the other store, which picks and
 * ships it. Two orders of one customer within the merge window are one
 * parcel on the till. The data people depend on is checked on the server:
 * stock at both stores, the order shipped, the waybill numbers, the labels.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  heldUnitsId,
  orderNumber,
  stockLevelId,
  type HeldUnits,
  type Order,
  type Shipment,
  type StockLevel,
} from '@pos/domain';
import type { DecodedLabel, LabelPrinterSimulator, ScannerSimulator } from '@pos/hardware';
import { DEMO_DEVICES, DEMO_PRODUCTS } from '@pos/sync-server';
import { provisionAdminToken } from '../../../sync-server/src/auth';
import { DEMO_TWO_STORE_ORDER } from '../../../sync-server/src/demo-data';
import { issueChannelToken } from '../../../sync-server/src/orders/channel-tokens';
import { writePlainAddress, type ShipAddress } from '../../../sync-server/src/orders/addresses';
import { ORDERS_DB } from '../../../sync-server/src/orders/holds';
import { DEMO_PROVIDER_KEY } from '../../../sync-server/src/payments/notify';
import { SimulatedPaymentProvider } from '../../../sync-server/src/payments/provider';
import {
  startDemoStore,
  startStoreTerminal,
  type DemoStore,
  type StoreTerminal,
} from '../src/demo/demo-store';
import { launchChromium } from './browser';
import { signIn, openShift } from './cashier-flows';
import {
  closeParcelDesk,
  handToCourier,
  lastScan,
  leftToPick,
  openParcel,
  openParcelDesk,
  pack,
  parcelsListed,
  printSlipAndLabel,
  reportShort,
  scanToPick,
  waitForParcel,
} from './fulfilment-flows';
import { createScratchDatabase, dropScratchDatabase } from './scratch-database';
import { screenshot } from './screenshots';

const BASE_URL = process.env.TEST_DATABASE_URL;

/** Near Jing'an, Shanghai: S001 is about 1 km away, S002 about 4 km. */
const HOME: ShipAddress = {
  id: 'ADDR-E2E-1',
  customerKey: 'M0001',
  regionCode: '310106',
  point: { lat: 31.2195, lng: 121.4485 },
  shipTo: {
    name: '张*',
    phone: '138****8001',
    region: '上海市 静安区',
    detail: '南京西路 1200 号 5 楼',
  },
};
/** The same customer's office next door: its parcels never merge with HOME's. */
const OFFICE: ShipAddress = {
  ...HOME,
  id: 'ADDR-E2E-2',
  shipTo: { ...HOME.shipTo, detail: '南京西路 1266 号 20 楼' },
};

const product = (sku: string) => {
  const found = DEMO_PRODUCTS.find((p) => p.id === sku)!;
  return { sku, name: found.name, barcode: found.gtin!.slice(1) };
};

type Till = {
  storeId: string;
  page: Page;
  scanner: ScannerSimulator;
  labels: LabelPrinterSimulator;
};

describe('ship from stores: routed, picked, packed, labelled and handed over at two tills', () => {
  let databaseUrl: string | undefined;
  let database = '';
  let store: DemoStore;
  let s002: StoreTerminal;
  let browser: Browser;
  let tills: Record<'S001' | 'S002', Till>;
  let channelToken = '';
  let adminToken = '';
  let orderSeq = 0;

  const storage = () => store.syncServer.storage;
  const serverOrder = async (id: string) =>
    (await storage().getDocs(ORDERS_DB, [id], null)).get(id)!.body as unknown as Order;
  const serverShipment = async (shipmentId: string) => {
    const id = `shipment:${shipmentId}`;
    return (await storage().getDocs('storeState', [id], null)).get(id)?.body as unknown as
      Shipment | undefined;
  };
  /** A store's stock of a SKU on the server, with the units orders hold of it. */
  const serverStock = async (storeId: string, sku: string) => {
    const level = (await storage().getDocs('stock', [stockLevelId(storeId, sku)], null)).get(
      stockLevelId(storeId, sku),
    )?.body as unknown as StockLevel;
    const held = (await storage().getDocs('storeState', [heldUnitsId(storeId, sku)], null)).get(
      heldUnitsId(storeId, sku),
    )?.body as unknown as HeldUnits | undefined;
    return { onHand: level.onHand, held: held?.held ?? 0 };
  };
  const exceptions = async () =>
    (await storage().latestDocs('_exceptions' as never, null, 100)).map((row) => row.body);

  /** The shop's server places a ship order for member M0001 to HOME, priced by the server. */
  async function placeShipOrder(
    lines: { sku: string; quantity: number }[],
    address: ShipAddress = HOME,
  ): Promise<Order> {
    const response = await fetch(`${store.syncServer.url}/_orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${channelToken}`,
        'content-type': 'application/json',
        'idempotency-key': `e2e-ship-${++orderSeq}`,
      },
      body: JSON.stringify({
        channel: 'shop',
        customer: { memberId: 'M0001' },
        lines: lines.map((l, i) => ({
          lineId: `L${i + 1}`,
          sku: l.sku,
          quantity: l.quantity,
          fulfilment: { mode: 'ship', addressId: address.id },
        })),
      }),
    });
    const body = (await response.json()) as { order?: Order };
    expect(response.status, JSON.stringify(body)).toBe(201);
    return body.order!;
  }

  /** The customer pays: the provider's signed notification reaches the server. */
  async function pay(order: Order): Promise<Order> {
    const provider = new SimulatedPaymentProvider({
      key: DEMO_PROVIDER_KEY,
      notifyUrl: `${store.syncServer.url}/_payments/notify`,
    });
    const { providerTxnId } = await provider.createPayment(order);
    expect(await provider.simulateCustomerPays(providerTxnId)).toMatchObject({ delivered: true });
    const paid = await serverOrder(order.id);
    expect(paid.status).toBe('paid');
    return paid;
  }

  /** The order's parcels as the orders API answers them ([RP10]). */
  async function parcelsOf(orderId: string): Promise<Shipment[]> {
    const response = await fetch(`${store.syncServer.url}/_orders/${orderId}`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(response.status).toBe(200);
    const { shipments } = (await response.json()) as { shipments: { shipmentId: string }[] };
    return Promise.all(shipments.map(async (s) => (await serverShipment(s.shipmentId))!));
  }

  /** Picks every unit left of the open parcel on the store's scanner, each line in aisle order. */
  async function pickAll(till: Till, parcel: Shipment) {
    const left = await leftToPick(till.page);
    for (const line of parcel.lines) {
      const units = left[line.sku] ?? 0;
      if (units > 0) await scanToPick(till.page, till.scanner, product(line.sku), units, 0);
    }
  }

  /** Packs, prints and hands over the open parcel; returns the label the printer decoded. */
  async function ship(till: Till, parcel: Shipment, courier: string): Promise<DecodedLabel> {
    const printed = till.labels.labels.length;
    await pack(till.page, 1200);
    expect(await printSlipAndLabel(till.page)).toContain(parcel.trackingNo);
    await expect.poll(() => till.labels.labels.length, { timeout: 15_000 }).toBe(printed + 1);
    expect(await handToCourier(till.page, courier)).toContain(parcel.trackingNo);
    return till.labels.labels[printed]!;
  }

  const labelText = (label: DecodedLabel) =>
    label.fields.flatMap((f) => ('data' in f ? [String(f.data)] : [])).join('\n');

  beforeAll(async () => {
    if (BASE_URL)
      ({ name: database, url: databaseUrl } = await createScratchDatabase(BASE_URL, 'pos_ship'));
    store = await startDemoStore({
      syncPort: 0,
      ...(databaseUrl ? { databaseUrl } : { dataDir: 'memory://' }),
      labelPrinter: 'zpl',
    });
    s002 = await startStoreTerminal({
      syncUrl: store.syncServer.url,
      device: DEMO_DEVICES[1],
      labelPrinter: 'zpl',
    });
    adminToken = (await provisionAdminToken(storage(), 'e2e-hq')).token;
    channelToken = (
      await issueChannelToken(storage(), { name: 'shop-web', channel: 'shop' }, 'e2e')
    ).token;
    await storage().transaction(async (tx) => {
      await writePlainAddress(tx, HOME);
      await writePlainAddress(tx, OFFICE);
    });
    // HQ opens both stores around the clock, so the order routes the same at any hour.
    const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
    const read = await fetch(`${store.syncServer.url}/_admin/locations`, { headers });
    const { locations } = (await read.json()) as { locations: { id: string }[] };
    const put = await fetch(`${store.syncServer.url}/_admin/locations`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({
        locations: locations.map((l) =>
          l.id === 'S001' || l.id === 'S002'
            ? { ...l, hours: [{ days: [0, 1, 2, 3, 4, 5, 6], open: '00:00', close: '24:00' }] }
            : l,
        ),
      }),
    });
    expect(put.status, await put.text()).toBe(200);

    browser = await launchChromium();
    const open = async (
      storeId: 'S001' | 'S002',
      url: string,
      staffId: string,
      scanner: ScannerSimulator,
      labels: LabelPrinterSimulator,
    ): Promise<Till> => {
      const page = await browser.newPage();
      await page.setViewportSize({ width: 1024, height: 768 });
      await page.goto(url);
      await signIn(page, staffId);
      await openShift(page);
      await page.getByText('scanner: ready').waitFor({ timeout: 30_000 });
      return { storeId, page, scanner, labels };
    };
    tills = {
      S001: await open('S001', store.terminalUrl!, 'S001-E01', store.scanner, store.labelPrinter!),
      S002: await open('S002', s002.terminalUrl!, 'S002-E01', s002.scanner, s002.labelPrinter!),
    };
  });

  afterAll(async () => {
    await browser?.close();
    await s002?.close();
    await store?.close();
    if (BASE_URL && database) await dropScratchDatabase(BASE_URL, database);
  });

  it('[FD3] [FD5] [FD7] [FD8] a 3-line order ships from S001 and S002; a rejected line is rerouted and shipped by the other store', async () => {
    const skus = DEMO_TWO_STORE_ORDER.map((l) => l.sku);
    const before = {
      S001: Object.fromEntries(
        await Promise.all(skus.map(async (s) => [s, await serverStock('S001', s)] as const)),
      ),
      S002: Object.fromEntries(
        await Promise.all(skus.map(async (s) => [s, await serverStock('S002', s)] as const)),
      ),
    };

    // (a) Routed to two stores.
    const placed = await placeShipOrder(DEMO_TWO_STORE_ORDER);
    expect(placed.routing?.[0]?.chosen?.locationIds).toEqual(['S001', 'S002']);
    const paid = await pay(placed);
    const parcels = await parcelsOf(paid.id);
    expect(parcels.map((p) => p.storeId).sort()).toEqual(['S001', 'S002']);
    // The store that ships the milk (SKU-0003 goes to either) rejects it.
    const milk = DEMO_TWO_STORE_ORDER[2]!.sku;
    const rejecting = parcels.find((p) => p.lines.some((l) => l.sku === milk))!;
    const other = parcels.find((p) => p !== rejecting)!;
    const rejecter = tills[rejecting.storeId as 'S001' | 'S002'];
    const taker = tills[other.storeId as 'S001' | 'S002'];
    const waybills = new Map<string, string>();

    // (b) + (c) The rejecting store scans what it has, rejects the milk, and ships the rest.
    await openParcelDesk(rejecter.page);
    await waitForParcel(rejecter.page, rejecting.shipmentId);
    await screenshot(rejecter.page, 'pos-parcels-1024x768');
    await openParcel(rejecter.page, rejecting.shipmentId);
    await expect
      .poll(() => rejecter.page.getByLabel('Why this store').innerText(), { timeout: 30_000 })
      .toMatch(/\S/);
    const own = rejecting.lines.find((l) => l.sku !== milk)!;
    await scanToPick(rejecter.page, rejecter.scanner, product(own.sku), 1, own.quantity - 1);
    await screenshot(rejecter.page, 'pos-pick-scan-1024x768');
    // An item that is not in the parcel is refused in large letters; nothing is counted.
    await rejecter.scanner.scan(product('SKU-0006').barcode);
    await expect
      .poll(() => lastScan(rejecter.page), { timeout: 30_000 })
      .toMatch(/is not in this parcel/);
    await scanToPick(rejecter.page, rejecter.scanner, product(own.sku), own.quantity - 1, 0);
    expect(
      await reportShort(rejecter.page, milk, 'Rejected by the store', () =>
        screenshot(rejecter.page, 'pos-pick-short-1024x768'),
      ),
    ).toMatch(/go to another store/);
    await rejecter.page.setViewportSize({ width: 1280, height: 800 });
    await pack(rejecter.page, 1500);
    await screenshot(rejecter.page, 'pos-parcel-label-1280x800');
    await rejecter.page.setViewportSize({ width: 1024, height: 768 });
    expect(await printSlipAndLabel(rejecter.page)).toContain(rejecting.trackingNo);
    await expect.poll(() => rejecter.labels.labels.length, { timeout: 15_000 }).toBe(1);
    expect(await handToCourier(rejecter.page, '王师傅')).toContain(rejecting.trackingNo);
    waybills.set(rejecting.shipmentId, labelText(rejecter.labels.labels[0]!));
    await closeParcelDesk(rejecter.page);

    // The server reroutes the milk to the other store: it shows on that store's till.
    await expect
      .poll(async () => (await parcelsOf(paid.id)).filter((p) => p.storeId === taker.storeId), {
        timeout: 30_000,
        message: 'the rejected line reaches the other store',
      })
      .toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            lines: expect.arrayContaining([expect.objectContaining({ sku: milk, quantity: 1 })]),
          }),
        ]),
      );
    const takerParcels = (await parcelsOf(paid.id)).filter(
      (p) => p.storeId === taker.storeId && p.status === 'open',
    );

    // (b) The other store picks, packs, labels and hands over each of its parcels, milk included.
    await openParcelDesk(taker.page);
    for (const parcel of takerParcels) await waitForParcel(taker.page, parcel.shipmentId);
    for (const parcel of takerParcels) {
      await openParcel(taker.page, parcel.shipmentId);
      await expect
        .poll(async () => Object.values(await leftToPick(taker.page)).reduce((a, b) => a + b, 0), {
          timeout: 30_000,
        })
        .toBe(parcel.lines.reduce((s, l) => s + l.quantity, 0));
      await pickAll(taker, parcel);
      const label = await ship(taker, parcel, '李师傅');
      waybills.set(parcel.shipmentId, labelText(label));
      await taker.page.keyboard.press('Escape');
    }
    await taker.page.keyboard.press('Escape');

    // Everything reaches the server; the order is shipped.
    for (const till of Object.values(tills)) {
      await till.page.getByText('All sales uploaded').waitFor({ timeout: 60_000 });
    }
    await expect
      .poll(async () => (await serverOrder(paid.id)).status, { timeout: 30_000 })
      .toBe('shipped');
    const shipped = await parcelsOf(paid.id);
    const handedOver = shipped.filter((p) => p.status === 'handed-over');
    expect(handedOver.map((p) => p.storeId).sort()).toEqual(
      [rejecting.storeId, ...takerParcels.map((p) => p.storeId)].sort(),
    );
    // The waybill numbers: one per parcel, never repeated, each on its decoded label.
    const numbers = handedOver.map((p) => p.trackingNo);
    expect(new Set(numbers).size).toBe(numbers.length);
    for (const p of handedOver) {
      expect(p.trackingNo).toMatch(/^SF\d{13}$/);
      expect(waybills.get(p.shipmentId)).toContain(p.trackingNo);
      expect(waybills.get(p.shipmentId)).toContain(HOME.shipTo.phone);
    }
    // Stock: what each store handed over left it, nothing is held any more.
    const moved = (storeId: string, sku: string) =>
      shipped
        .filter((p) => p.storeId === storeId && p.status === 'handed-over')
        .flatMap((p) => p.lines)
        .filter((l) => l.sku === sku)
        .reduce((s, l) => s + l.picked, 0);
    for (const storeId of ['S001', 'S002'] as const) {
      for (const sku of skus) {
        expect(await serverStock(storeId, sku), `${storeId} ${sku}`).toEqual({
          onHand: before[storeId][sku]!.onHand - moved(storeId, sku),
          held: before[storeId][sku]!.held,
        });
      }
    }
    expect(moved(rejecting.storeId, milk)).toBe(0);
    expect(moved(taker.storeId, milk)).toBe(1);
    expect(moved('S001', 'SKU-0001') + moved('S002', 'SKU-0001')).toBe(5);
    expect(await exceptions()).toEqual([]);
  });

  it('[MG1] [FD1] two orders of one customer within the window are one parcel on the till', async () => {
    const first = await pay(await placeShipOrder([{ sku: 'SKU-0005', quantity: 1 }], OFFICE));
    const second = await pay(await placeShipOrder([{ sku: 'SKU-0006', quantity: 1 }], OFFICE));
    const [parcel] = await parcelsOf(first.id);
    expect(await parcelsOf(second.id)).toEqual([
      expect.objectContaining({ shipmentId: parcel!.shipmentId }),
    ]);
    expect(parcel!.orderIds).toEqual([first.id, second.id]);
    const till = tills[parcel!.storeId as 'S001' | 'S002'];
    await openParcelDesk(till.page);
    await expect
      .poll(async () => {
        await waitForParcel(till.page, parcel!.shipmentId);
        return (await parcelsListed(till.page)).filter((id) => id === parcel!.shipmentId);
      })
      .toHaveLength(1);
    const row = till.page.getByRole('row', { name: `Parcel ${parcel!.shipmentId}`, exact: true });
    await expect
      .poll(() => row.innerText(), { timeout: 30_000 })
      .toContain(`${orderNumber(first.id)} · ${orderNumber(second.id)}`);
    // The same parcel in Chinese.
    await till.page.keyboard.press('Escape');
    const language = till.page.getByRole('button', { name: 'Language' });
    await language.click();
    await till.page.keyboard.press('Shift+F9');
    const zh = till.page.getByRole('dialog', { name: '发货' });
    await zh
      .getByRole('row', { name: `Parcel ${parcel!.shipmentId}`, exact: true })
      .getByRole('button', { name: '打开' })
      .click();
    await zh.getByText('请逐件扫描商品拣货').waitFor();
    await screenshot(till.page, 'pos-pick-list-1024x768-zh-CN');
    await till.page.keyboard.press('Escape');
    await screenshot(till.page, 'pos-parcels-1024x768-zh-CN');
    await till.page.keyboard.press('Escape');
    await zh.waitFor({ state: 'detached' });
    await language.click();
    await openParcelDesk(till.page);
    await openParcel(till.page, parcel!.shipmentId);
    await pickAll(till, (await serverShipment(parcel!.shipmentId))!);
    await ship(till, (await serverShipment(parcel!.shipmentId))!, '王师傅');
    await till.page.keyboard.press('Escape');
    await till.page.keyboard.press('Escape');
    await till.page.getByText('All sales uploaded').waitFor({ timeout: 60_000 });
    await expect
      .poll(
        async () => [(await serverOrder(first.id)).status, (await serverOrder(second.id)).status],
        {
          timeout: 30_000,
        },
      )
      .toEqual(['shipped', 'shipped']);
  });
});
