/**
 * What the tests of orders at the store share: a seeded server, an order for
 * pickup at S001 of demo SKUs, paid through the simulated provider, and the
 * order facts a store's devices push.
 */
import type {
  Order,
  OrderPaymentFact,
  OrderReturnFact,
  PaymentNotification,
  PickupFact,
  StockLevel,
} from '@pos/domain';
import { EXCEPTIONS_DB, type FactException } from '../ledgers';
import { applyPaymentNotification, DEMO_PROVIDER_KEY } from '../payments/notify';
import { SimulatedPaymentProvider } from '../payments/provider';
import type { SyncStorage } from '../storage/storage';
import type { TestServer } from '../test-support';
import { placeOrder } from './holds';
import { heldUnits } from './orders.fixture';
import { ORDERS_DB } from './store-orders';

/** One fact's row in the server's answer to a push. */
export type BulkRow = { ok?: true; id: string; rev?: string; error?: string; reason?: string };

function wire(doc: object): Record<string, unknown> {
  const { id, ...rest } = doc as { id: string };
  return { _id: id, ...rest };
}

/** Pushes facts to the server as the device with `token` does; the answer's rows. */
export async function pushFacts(
  server: TestServer,
  token: string,
  docs: object[],
): Promise<BulkRow[]> {
  return (await server.request(token, '/facts/_bulk_docs', { body: { docs: docs.map(wire) } }))
    .body as BulkRow[];
}

/** The exceptions the server has raised on facts. */
export async function factExceptions(storage: SyncStorage): Promise<FactException[]> {
  return (await storage.findDocs(EXCEPTIONS_DB, {})).map(
    (row) => row.body as unknown as FactException,
  );
}

/** The test server's clock (see `startTestServer`). */
export const SERVER_NOW = '2026-01-02T03:04:05.000Z';
export const PLACED_AT = '2026-01-02T03:00:00.000Z';

/** A provider whose notifications are stamped at the test server's clock. */
export function testProvider(): SimulatedPaymentProvider {
  return new SimulatedPaymentProvider({
    key: DEMO_PROVIDER_KEY,
    notifyUrl: 'http://127.0.0.1:9/_payments/notify',
    now: () => new Date(SERVER_NOW),
  });
}

/**
 * Places a pickup order at `storeId`: 2 x SKU-0001 (line L1) and 1 x SKU-0002
 * (line L2), ¥10 a unit. L2 is picked up there too unless `l2` says how else
 * it is fulfilled (a mixed order ships it).
 */
export async function placePickup(
  storage: SyncStorage,
  key: string,
  storeId = 'S001',
  at = PLACED_AT,
  l2?: Order['lines'][number]['fulfilment'],
): Promise<Order> {
  const placed = await placeOrder(
    storage,
    {
      idempotencyKey: key,
      channel: 'shop',
      customer: { memberId: 'M0001' },
      lines: [
        {
          lineId: 'L1',
          sku: 'SKU-0001',
          quantity: 2,
          unitPrice: 1000,
          net: 2000,
          fulfilment: { mode: 'pickup', storeId },
        },
        {
          lineId: 'L2',
          sku: 'SKU-0002',
          quantity: 1,
          unitPrice: 1000,
          net: 1000,
          fulfilment: l2 ?? { mode: 'pickup', storeId },
        },
      ],
      total: 3000,
    },
    at,
  );
  if (!placed.ok) throw new Error(placed.message);
  return placed.order;
}

/** Pays `order` through `provider` (its signed notification, applied as the webhook does). */
export async function payThrough(
  storage: SyncStorage,
  provider: SimulatedPaymentProvider,
  order: Order,
): Promise<{ providerTxnId: string; order: Order }> {
  const { providerTxnId } = await provider.createPayment(order);
  const notification = JSON.parse(
    provider.notificationFor(providerTxnId).body,
  ) as PaymentNotification;
  const { note } = await applyPaymentNotification(storage, notification, SERVER_NOW);
  if (note.outcome !== 'paid') throw new Error(`not paid: ${note.reason ?? note.outcome}`);
  return { providerTxnId, order: await readOrder(storage, order.id) };
}

export async function readOrder(storage: SyncStorage, id: string): Promise<Order> {
  return (await storage.getDocs(ORDERS_DB, [id], null)).get(id)!.body as unknown as Order;
}

export async function level(storage: SyncStorage, storeId: string, sku: string) {
  const id = `${storeId}:${sku}`;
  const body = (await storage.getDocs('stock', [id], null)).get(id)?.body as StockLevel | undefined;
  return { onHand: body?.onHand ?? 0, held: await heldUnits(storage, storeId, sku) };
}

type Device = { deviceId: string; storeId: string };

export function pickupFact(
  device: Device,
  n: number,
  orderId: string,
  lines: [lineId: string, quantity: number][],
): PickupFact & { kind: 'pickup' } {
  return {
    kind: 'pickup',
    id: `${device.deviceId}-PU${n}`,
    storeId: device.storeId,
    orderId,
    lines: lines.map(([lineId, quantity]) => ({ lineId, quantity })),
    at: SERVER_NOW,
    deviceId: device.deviceId,
    staffId: 'E001',
    proof: 'code',
  };
}

export function orderPaymentFact(
  device: Device,
  n: number,
  orderId: string,
  amount: number,
  at = SERVER_NOW,
): OrderPaymentFact & { kind: 'orderPayment' } {
  return {
    kind: 'orderPayment',
    id: `${device.deviceId}-OP${n}`,
    storeId: device.storeId,
    orderId,
    amount,
    tender: 'cash',
    at,
    deviceId: device.deviceId,
    staffId: 'E001',
  };
}

export function orderReturnFact(
  device: Device,
  n: number,
  orderId: string,
  lines: [lineId: string, quantity: number][],
  refund: number,
  refundTo: 'original' | 'cash' = 'original',
): OrderReturnFact & { kind: 'orderReturn' } {
  return {
    kind: 'orderReturn',
    id: `${device.deviceId}-OR${n}`,
    storeId: device.storeId,
    orderId,
    lines: lines.map(([lineId, quantity]) => ({ lineId, quantity })),
    refund,
    refundTo,
    at: SERVER_NOW,
    deviceId: device.deviceId,
    staffId: 'E001',
  };
}
