/**
 * The orders API over HTTP on both backends: placement with idempotency
 * keys, clear refusals, reading an order back; the served OpenAPI document
 * checked against real answers; and random requests that never break it.
 */
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionAdminToken } from '../auth';
import { DEMO_TWO_STORE_ORDER, seedDemo } from '../demo-data';
import { applyPaymentNotification, DEMO_PROVIDER_KEY } from '../payments/notify';
import { SimulatedPaymentProvider } from '../payments/provider';
import type { SyncStorage } from '../storage/storage';
import { BACKENDS, requestAs, S001_DEVICE, serveStorage } from '../test-support';
import { applyOrderEvent, type Order, type PaymentNotification } from '@pos/domain';
import { writePlainAddress, type ShipAddress } from './addresses';
import { issueChannelToken } from './channel-tokens';
import { ORDER_KEYS_DB, ORDERS_DB } from './holds';
import { ORDERS_OPENAPI } from './openapi';
import { heldByLevel } from './store-orders';
import { heldUnits, HOT_SKU, pickupOrder, seedStock } from './orders.fixture';

const body = pickupOrder;
const SKU = HOT_SKU;
const NOW = new Date('2026-03-01T10:00:00.000Z');
/** [RP1] The fuzzed orders' customer's address. */
const FUZZ_ADDRESS: ShipAddress = {
  id: 'ADDR-M1',
  customerKey: 'M1',
  regionCode: '310106',
  point: { lat: 31.2195, lng: 121.4485 },
  shipTo: { name: '王*', phone: '137****0000', region: '上海市 静安区', detail: '愚园路 1 号' },
};
/** [RP1] A customer's address near Jing'an: S001 and S002 are the nearest locations. */
const ADDRESS: ShipAddress = {
  id: 'ADDR-M9',
  customerKey: 'M9',
  regionCode: '310106',
  point: { lat: 31.2195, lng: 121.4485 },
  shipTo: { name: '李*', phone: '139****0000', region: '上海市 静安区', detail: '北京西路 1 号' },
};

async function count(storage: SyncStorage, db: typeof ORDERS_DB): Promise<number> {
  return (await storage.changes(db, { since: 0, limit: 100_000, scope: null })).rows.length;
}

type Answer = { status: number; body: unknown };
type Seen = { path: '/_orders' | '/_orders/{id}'; method: 'post' | 'get'; answer: Answer };

/** Resolves a `$ref` of the document. */
function resolve(schema: Record<string, unknown>): Record<string, unknown> {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  let node: unknown = ORDERS_OPENAPI;
  for (const part of ref.slice(2).split('/')) node = (node as Record<string, unknown>)[part];
  return resolve(node as Record<string, unknown>);
}

/** What in `value` breaks the schema's required fields, nested objects and items (hand-written subset). */
function mismatches(schemaIn: Record<string, unknown>, value: unknown, at = '$'): string[] {
  const schema = resolve(schemaIn);
  if (Array.isArray(schema.oneOf)) {
    const each = (schema.oneOf as Record<string, unknown>[]).map((s) => mismatches(s, value, at));
    return each.some((m) => m.length === 0)
      ? []
      : [`${at}: matches no alternative`, ...each.flat()];
  }
  if (schema.type === 'array' || schema.items) {
    if (!Array.isArray(value)) return [`${at}: not an array`];
    return value.flatMap((v, i) =>
      mismatches(schema.items as Record<string, unknown>, v, `${at}[${i}]`),
    );
  }
  if (schema.type === 'object' || schema.required || schema.properties) {
    if (typeof value !== 'object' || value === null) return [`${at}: not an object`];
    const record = value as Record<string, unknown>;
    const missing = ((schema.required as string[] | undefined) ?? [])
      .filter((name) => !(name in record))
      .map((name) => `${at}.${name}: missing`);
    const nested = Object.entries((schema.properties as Record<string, object>) ?? {})
      .filter(([name]) => name in record)
      .flatMap(([name, s]) =>
        mismatches(s as Record<string, unknown>, record[name], `${at}.${name}`),
      );
    return [...missing, ...nested];
  }
  if (schema.type === 'integer') return Number.isInteger(value) ? [] : [`${at}: not an integer`];
  if (schema.type === 'string') return typeof value === 'string' ? [] : [`${at}: not a string`];
  if ('const' in schema)
    return value === schema.const ? [] : [`${at}: not ${String(schema.const)}`];
  if (Array.isArray(schema.enum)) return schema.enum.includes(value) ? [] : [`${at}: not in enum`];
  return [];
}

describe.each(BACKENDS)('the orders API on $name', (backend) => {
  let storage: SyncStorage;
  let url: string;
  let admin: string;
  let shop: string;
  let miniProgram: string;
  let close: () => Promise<void>;
  beforeEach(async () => {
    if (backend.skip) return;
    storage = await backend.open();
    await seedStock(storage, 3);
    admin = (await provisionAdminToken(storage, 'shop-backend')).token;
    shop = (await issueChannelToken(storage, { name: 'shop-web', channel: 'shop' }, 'test')).token;
    miniProgram = (
      await issueChannelToken(storage, { name: 'wx-mini', channel: 'mini-program' }, 'test')
    ).token;
    await seedDemo(storage);
    ({ url, close } = await serveStorage(storage, NOW));
  });
  afterEach(async () => {
    await close?.();
  });

  const post = (key: string | null, sent: unknown, token: string | null = admin) =>
    requestAs(url, token, '/_orders', {
      method: 'POST',
      body: sent,
      headers: key === null ? {} : { 'idempotency-key': key },
    });

  /** Every answer the contract tests saw, checked against the document at the end. */
  async function exercise(): Promise<Seen[]> {
    const seen: Seen[] = [];
    const placed = await post('k-1', body(2));
    seen.push({ path: '/_orders', method: 'post', answer: placed });
    const replay = await post('k-1', body(2));
    seen.push({ path: '/_orders', method: 'post', answer: replay });
    const reused = await post('k-1', body(1));
    seen.push({ path: '/_orders', method: 'post', answer: reused });
    const short = await post('k-2', body(2, 'M2'));
    seen.push({ path: '/_orders', method: 'post', answer: short });
    const invalid = await post('k-3', { ...body(1), total: 5 });
    seen.push({ path: '/_orders', method: 'post', answer: invalid });
    const noKey = await post(null, body(1));
    seen.push({ path: '/_orders', method: 'post', answer: noKey });
    const device = await post('k-4', body(1), S001_DEVICE.token);
    seen.push({ path: '/_orders', method: 'post', answer: device });
    const anonymous = await post('k-5', body(1), null);
    seen.push({ path: '/_orders', method: 'post', answer: anonymous });
    const id = (placed.body as { order: { id: string } }).order.id;
    const read = await requestAs(url, admin, `/_orders/${id}`);
    seen.push({ path: '/_orders/{id}', method: 'get', answer: read });
    const missing = await requestAs(
      url,
      admin,
      '/_orders/ORD-00000000-0000-0000-0000-000000000000',
    );
    seen.push({ path: '/_orders/{id}', method: 'get', answer: missing });
    // [OS8] Channel tokens: their own channel only; a device reads, never places.
    // [OC10] A channel's order is priced by the server: it may leave the prices out.
    const viaShop = await post(
      'k-6',
      {
        channel: 'shop',
        customer: { memberId: 'M6' },
        lines: [
          { lineId: 'L1', sku: 'SKU-0002', quantity: 1, fulfilment: body(1).lines[0]!.fulfilment },
        ],
      },
      shop,
    );
    seen.push({ path: '/_orders', method: 'post', answer: viaShop });
    const otherChannel = await post('k-7', { ...body(1, 'M7'), channel: 'mini-program' }, shop);
    seen.push({ path: '/_orders', method: 'post', answer: otherChannel });
    const shopReads = await requestAs(url, shop, `/_orders/${id}`);
    seen.push({ path: '/_orders/{id}', method: 'get', answer: shopReads });
    const miniReads = await requestAs(url, miniProgram, `/_orders/${id}`);
    seen.push({ path: '/_orders/{id}', method: 'get', answer: miniReads });
    const deviceReads = await requestAs(url, S001_DEVICE.token, `/_orders/${id}`);
    seen.push({ path: '/_orders/{id}', method: 'get', answer: deviceReads });
    // [OC10] A channel's prices that are not the server's.
    const mismatch = await post(
      'k-8',
      {
        channel: 'shop',
        customer: { memberId: 'M6' },
        lines: [
          {
            lineId: 'L1',
            sku: 'SKU-0002',
            quantity: 1,
            unitPrice: 1,
            net: 1,
            fulfilment: body(1).lines[0]!.fulfilment,
          },
        ],
        total: 1,
      },
      shop,
    );
    seen.push({ path: '/_orders', method: 'post', answer: mismatch });
    return seen;
  }

  /** [RP1] [RP2] [RP10] Ship orders over HTTP: placed, refused as not routable, paid, read back. */
  async function exerciseRouted(): Promise<Seen[]> {
    const seen: Seen[] = [];
    await storage.transaction((tx) => writePlainAddress(tx, ADDRESS));
    const lines = DEMO_TWO_STORE_ORDER.map(({ sku, quantity }, i) => ({
      lineId: `L${i + 1}`,
      sku,
      quantity,
      unitPrice: 100,
      net: 100 * quantity,
      fulfilment: { mode: 'ship', addressId: ADDRESS.id },
    }));
    const shipBody = {
      channel: 'shop',
      customer: { memberId: ADDRESS.customerKey },
      lines,
      total: lines.reduce((sum, l) => sum + l.net, 0),
    };
    const placed = await post('r-1', shipBody);
    seen.push({ path: '/_orders', method: 'post', answer: placed });
    const tooMany = await post('r-2', {
      ...shipBody,
      lines: [{ ...lines[0]!, quantity: 1000, net: 100_000 }],
      total: 100_000,
    });
    seen.push({ path: '/_orders', method: 'post', answer: tooMany });
    const order = (placed.body as { order: Order }).order;
    const provider = new SimulatedPaymentProvider({
      key: DEMO_PROVIDER_KEY,
      notifyUrl: 'http://127.0.0.1:9/_payments/notify',
      now: () => NOW,
    });
    const { providerTxnId } = await provider.createPayment(order);
    const notification = JSON.parse(
      provider.notificationFor(providerTxnId).body,
    ) as PaymentNotification;
    await applyPaymentNotification(storage, notification, NOW.toISOString());
    const read = await requestAs(url, admin, `/_orders/${order.id}`);
    seen.push({ path: '/_orders/{id}', method: 'get', answer: read });
    // [OC10] A channel's ship order, priced by the server.
    const viaShop = await post(
      'r-3',
      {
        channel: 'shop',
        customer: { memberId: ADDRESS.customerKey },
        lines: [
          {
            lineId: 'L1',
            sku: 'SKU-0005',
            quantity: 1,
            fulfilment: { mode: 'ship', addressId: ADDRESS.id },
          },
        ],
      },
      shop,
    );
    seen.push({ path: '/_orders', method: 'post', answer: viaShop });
    return seen;
  }

  it.skipIf(backend.skip)(
    '[RP1] [RP2] [RP10] ship lines over HTTP: routed and held, 409 not routable, parcels read back once paid',
    async () => {
      const [placed, tooMany, read, viaShop] = (await exerciseRouted()).map((s) => s.answer);
      expect(placed).toMatchObject({ status: 201, body: { order: { status: 'held' } } });
      const order = (placed!.body as { order: Order }).order;
      expect(order.allocations!.map((a) => a.locationId).sort()).toEqual(
        expect.arrayContaining(['S001', 'S002']),
      );
      expect(tooMany).toMatchObject({
        status: 409,
        body: {
          error: 'not_routable',
          code: 'NOT_ROUTABLE',
          short: [{ mode: 'ship', sku: 'SKU-0001', requested: 1000 }],
        },
      });
      const answer = read!.body as {
        order: Order;
        shipments: { locationId: string; status: string; carrier: string; trackingNo: string }[];
      };
      expect(read!.status).toBe(200);
      expect(answer.order.status).toBe('paid');
      expect(answer.order.routing![0]!.chosen!.locationIds).toEqual(['S001', 'S002']);
      expect(answer.shipments.map((s) => s.locationId).sort()).toEqual(['S001', 'S002']);
      for (const s of answer.shipments) {
        expect(s).toMatchObject({ status: 'open', carrier: '顺丰速运 SF Express' });
        expect(s.trackingNo).toMatch(/^SF\d{13}$/);
        expect(s).not.toHaveProperty('shipTo');
      }
      expect(viaShop).toMatchObject({
        status: 201,
        body: { order: { allocations: [{ lineId: 'L1', quantity: 1 }] } },
      });
    },
  );

  it.skipIf(backend.skip)(
    '[RS4] HQ reads and puts the locations: checked all first, a bad one changes nothing',
    async () => {
      const listed = await requestAs(url, admin, '/_admin/locations');
      expect(listed.status).toBe(200);
      const locations = (listed.body as { locations: { id: string; kind: string }[] }).locations;
      expect(locations.map((l) => [l.id, l.kind])).toEqual([
        ['S001', 'store'],
        ['S002', 'store'],
        ['W01', 'warehouse'],
      ]);
      const w02 = {
        id: 'W02',
        name: '青浦仓 Qingpu Warehouse',
        city: '上海',
        cityEn: 'Shanghai',
        lat: 31.15,
        lng: 121.12,
        kind: 'warehouse',
        modes: ['ship'],
        hours: [{ days: [1, 2, 3, 4, 5], open: '08:00', close: '20:00' }],
        dailyCapacity: 500,
        rank: 1,
      };
      const bad = await requestAs(url, admin, '/_admin/locations', {
        method: 'PUT',
        body: {
          locations: [w02, { ...w02, id: 'W03', modes: ['pickup'], hours: [{ days: [9] }] }],
        },
      });
      expect(bad.status).toBe(400);
      expect((bad.body as { reason: string }).reason).toMatch(
        /locations\[1\]: a warehouse has no pickup counter.*locations\[1\]: hours/,
      );
      const { city: _c, cityEn: _e, ...noCity } = w02;
      const newWithoutCity = await requestAs(url, admin, '/_admin/locations', {
        method: 'PUT',
        body: { locations: [noCity] },
      });
      expect(newWithoutCity.status).toBe(400);
      expect((await requestAs(url, admin, '/_admin/locations')).body).toEqual(listed.body);
      const put = await requestAs(url, admin, '/_admin/locations', {
        method: 'PUT',
        body: { locations: [w02, { ...locations[0], dailyCapacity: 50 }] },
      });
      expect(put.status).toBe(200);
      const after = (put.body as { locations: { id: string; dailyCapacity: number }[] }).locations;
      expect(after.map((l) => [l.id, l.dailyCapacity])).toEqual([
        ['S001', 50],
        ['S002', 200],
        ['W01', 2000],
        ['W02', 500],
      ]);
      expect((await requestAs(url, S001_DEVICE.token, '/_admin/locations')).status).toBe(403);
      expect((await requestAs(url, shop, '/_admin/locations')).status).toBe(401);
    },
  );

  it.skipIf(backend.skip)(
    '[OC5] place with an idempotency key, replay, refusals, and read it back',
    async () => {
      const [placed, replay, reused, short, invalid, noKey, device, anonymous, read, missing] = (
        await exercise()
      )
        .slice(0, 10)
        .map((s) => s.answer);
      expect(placed!.status).toBe(201);
      const order = (placed!.body as { order: { id: string; status: string } }).order;
      expect(order.id).toMatch(/^ORD-[0-9A-F-]{36}$/);
      expect(order.status).toBe('held');
      expect(replay).toMatchObject({ status: 200, body: { order } });
      expect(reused).toMatchObject({ status: 409, body: { error: 'idempotency_key_reused' } });
      expect(short).toMatchObject({
        status: 409,
        body: {
          error: 'out_of_stock',
          lines: [{ lineId: 'L1', storeId: 'S001', sku: SKU, requested: 2, available: 1 }],
        },
      });
      expect(invalid).toMatchObject({ status: 400, body: { error: 'bad_request' } });
      expect(noKey).toMatchObject({ status: 400, body: { error: 'bad_request' } });
      expect(device!.status).toBe(403);
      expect(anonymous!.status).toBe(401);
      expect(read).toMatchObject({ status: 200, body: { order } });
      expect(missing!.status).toBe(404);
      expect(await count(storage, ORDERS_DB)).toBe(2);
      expect(await count(storage, ORDER_KEYS_DB)).toBe(2);
    },
  );

  it.skipIf(backend.skip)(
    '[OS8] a channel token places and reads its own channel only, and opens nothing else',
    async () => {
      const seen = (await exercise()).slice(10).map((s) => s.answer);
      const [viaShop, otherChannel, shopReads, miniReads, deviceReads, mismatch] = seen;
      expect(mismatch).toMatchObject({
        status: 409,
        body: { code: 'PRICE_MISMATCH', total: 1290 },
      });
      expect(viaShop).toMatchObject({ status: 201, body: { order: { channel: 'shop' } } });
      expect(otherChannel).toMatchObject({ status: 403, body: { error: 'forbidden' } });
      expect(shopReads!.status).toBe(200);
      expect(miniReads!.status).toBe(404);
      expect(deviceReads!.status).toBe(200);
      // No replication, no HQ endpoint, no other service.
      for (const path of [
        '/products/_changes',
        '/storeState/_changes',
        '/_exceptions',
        '/_members/lookup?phone=1',
      ]) {
        expect((await requestAs(url, shop, path)).status, path).toBe(401);
      }
      const issued = await requestAs(url, shop, '/_admin/channel-tokens', {
        body: { name: 'evil', channel: 'shop' },
      });
      expect(issued.status).toBe(401);
      // [OS8] HQ issues a token over HTTP; it replaces the client's earlier one.
      const again = await requestAs(url, admin, '/_admin/channel-tokens', {
        body: { name: 'shop-web', channel: 'shop' },
      });
      expect(again).toMatchObject({
        status: 201,
        body: { name: 'shop-web', channel: 'shop', replaced: 1 },
      });
      expect(
        (await requestAs(url, shop, `/_orders/ORD-00000000-0000-0000-0000-000000000000`)).status,
      ).toBe(401);
      const fresh = (again.body as { token: string }).token;
      expect(
        (await requestAs(url, fresh, `/_orders/ORD-00000000-0000-0000-0000-000000000000`)).status,
      ).toBe(404);
      // A device cannot issue one; a channel that is not online is refused.
      expect(
        (
          await requestAs(url, S001_DEVICE.token, '/_admin/channel-tokens', {
            body: { name: 'x', channel: 'shop' },
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await requestAs(url, admin, '/_admin/channel-tokens', {
            body: { name: 'x', channel: 'pos' },
          })
        ).status,
      ).toBe(400);
    },
  );

  it.skipIf(backend.skip)(
    '[OC8] the served OpenAPI document lists both paths, and real answers match it',
    async () => {
      const served = await requestAs(url, null, '/_orders/openapi.json');
      expect(served.status).toBe(200);
      const doc = JSON.parse(served.text) as typeof ORDERS_OPENAPI;
      expect(doc.openapi).toMatch(/^3\.1\./);
      expect(Object.keys(doc.paths).sort()).toEqual(['/_orders', '/_orders/{id}']);
      // [OS8] Who may call: a channel's token or HQ's.
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
        'adminToken',
        'channelToken',
      ]);
      expect(doc.security).toEqual([{ channelToken: [] }, { adminToken: [] }]);
      for (const { path, method, answer } of [...(await exercise()), ...(await exerciseRouted())]) {
        const operation = (doc.paths as Record<string, Record<string, unknown>>)[path]![method] as {
          responses: Record<string, { content: { 'application/json': { schema: object } } }>;
        };
        const documented = operation.responses[String(answer.status)];
        expect(documented, `${method} ${path} answered ${answer.status}`).toBeDefined();
        const schema = documented!.content['application/json'].schema;
        expect(
          mismatches(schema as Record<string, unknown>, answer.body),
          `${method} ${path} ${answer.status}`,
        ).toEqual([]);
      }
    },
  );

  it.skipIf(backend.skip || backend.name !== BACKENDS[0]!.name)(
    '[OC9] 300 random bodies and headers: never a 5xx, nothing stored for a refused one, nothing invalid stored',
    async () => {
      const printable = fc
        .array(fc.integer({ min: 0x20, max: 0x7e }), { maxLength: 220 })
        .map((codes) => String.fromCharCode(...codes));
      const line = fc.record(
        {
          lineId: fc.oneof(fc.constant('L1'), fc.string(), fc.integer()),
          sku: fc.oneof(fc.constant(SKU), fc.string()),
          quantity: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.double(), fc.string()),
          unitPrice: fc.oneof(fc.constant(1000), fc.integer(), fc.double()),
          net: fc.oneof(fc.constant(1000), fc.integer()),
          fulfilment: fc.oneof(
            fc.constant({ mode: 'pickup', storeId: 'S001' }),
            fc.constant({ mode: 'take-now' }),
            fc.constant({ mode: 'ship', addressId: 'ADDR-M1' }),
            fc.record({ mode: fc.constant('same-city'), addressId: fc.string() }),
            fc.record({ mode: fc.string(), storeId: fc.string() }),
            fc.jsonValue(),
          ),
          pickedUp: fc.integer(),
        },
        { requiredKeys: [] },
      );
      const nearValid = fc.record(
        {
          channel: fc.oneof(fc.constant('shop'), fc.string()),
          customer: fc.oneof(
            fc.constant({ memberId: 'M1' }),
            fc.record({ phoneIndex: fc.string() }),
            fc.jsonValue(),
          ),
          lines: fc.oneof(fc.array(line, { maxLength: 3 }), fc.jsonValue()),
          total: fc.oneof(fc.constant(1000), fc.integer(), fc.double()),
        },
        { requiredKeys: [] },
      );
      // A valid order with one thing changed, so some placements succeed and are checked.
      const fields = fc.dictionary(
        fc.constantFrom('pickedUp', 'status', 'holdExpiresAt', 'id', 'x'),
        fc.jsonValue(),
        { maxKeys: 2 },
      );
      const almost = fc
        .record({
          quantity: fc.integer({ min: -1, max: 4 }),
          mode: fc.constantFrom('pickup', 'take-now', 'ship', 'same-city'),
          extraLine: fields,
          extraBody: fields,
          totalOff: fc.constantFrom(0, 0, 0, 1, -1000),
        })
        .map(({ quantity, mode, extraLine, extraBody, totalOff }) =>
          JSON.stringify({
            ...extraBody,
            channel: 'shop',
            customer: { memberId: 'M1' },
            lines: [
              {
                ...extraLine,
                lineId: 'L1',
                // [RP1] Delivery lines ask for a SKU every location stocks, so some are routed.
                sku: mode === 'ship' || mode === 'same-city' ? 'SKU-0005' : SKU,
                quantity,
                unitPrice: 1000,
                net: 1000 * quantity,
                fulfilment:
                  mode === 'pickup'
                    ? { mode, storeId: 'S001' }
                    : mode === 'take-now'
                      ? { mode }
                      : // [RP1] The customer's own address, or one that is not there.
                        { mode, addressId: quantity === 3 ? 'ADDR-NONE' : FUZZ_ADDRESS.id },
              },
            ],
            total: 1000 * quantity + totalOff,
          }),
        );
      const sent = fc.oneof(
        almost,
        nearValid.map((b) => JSON.stringify(b)),
        fc.jsonValue().map((v) => JSON.stringify(v)),
        fc.string(),
      );
      const headers = fc.record(
        {
          'idempotency-key': printable,
          'content-type': fc.constantFrom(
            'application/json',
            'text/plain',
            'application/x-www-form-urlencoded',
          ),
        },
        { requiredKeys: [] },
      );
      await storage.transaction((tx) => writePlainAddress(tx, FUZZ_ADDRESS));
      // One routed order for certain, so the checks below always see allocations.
      const routed = await post('fuzz-routed', {
        ...body(1),
        lines: [
          {
            ...body(1).lines[0]!,
            sku: 'SKU-0005',
            fulfilment: { mode: 'ship', addressId: FUZZ_ADDRESS.id },
          },
        ],
      });
      expect(routed.status).toBe(201);
      let n = 0;
      await fc.assert(
        fc.asyncProperty(sent, headers, async (text, sentHeaders) => {
          n += 1;
          const before = await count(storage, ORDERS_DB);
          const answer = await requestAs(url, admin, '/_orders', {
            method: 'POST',
            body: text,
            headers:
              sentHeaders['idempotency-key'] === undefined
                ? sentHeaders
                : {
                    ...sentHeaders,
                    'idempotency-key': `${n}-${sentHeaders['idempotency-key']}`.slice(0, 200),
                  },
          });
          expect(answer.status).toBeLessThan(500);
          const after = await count(storage, ORDERS_DB);
          expect(after).toBe(answer.status === 201 ? before + 1 : before);
        }),
        { numRuns: 300 },
      );
      // Nothing invalid stored: every order the fuzz placed is one the domain
      // accepts, with only the API's fields, and the holds are its pickup units.
      const stored = (await storage.findDocs(ORDERS_DB, {})).map((row) => row.body as Order);
      expect(stored.length).toBeGreaterThan(0);
      const heldFromOrders = new Map<string, number>();
      for (const order of stored) {
        const placed = applyOrderEvent(undefined, {
          kind: 'placed',
          id: `${order.id}:check`,
          at: order.placedAt,
          orderId: order.id,
          channel: order.channel,
          customer: order.customer,
          lines: order.lines.map(({ pickedUp: _, ...line }) => line),
          total: order.total,
        });
        expect(placed.ok, JSON.stringify(order)).toBe(true);
        expect(order.status).toBe('held');
        for (const line of order.lines) {
          expect(Object.keys(line).sort()).toEqual([
            'fulfilment',
            'lineId',
            'net',
            'pickedUp',
            'quantity',
            'sku',
            'unitPrice',
          ]);
          if (line.fulfilment.mode !== 'pickup') continue;
          const id = `${line.fulfilment.storeId}:${line.sku}`;
          heldFromOrders.set(id, (heldFromOrders.get(id) ?? 0) + line.quantity);
        }
        // [RP4] A routed line holds its units at the locations it was routed to, all of them.
        for (const line of order.lines.filter((l) => l.fulfilment.mode !== 'pickup')) {
          const routed = (order.allocations ?? []).filter((a) => a.lineId === line.lineId);
          if (line.fulfilment.mode === 'take-now') continue;
          expect(routed.reduce((sum, a) => sum + a.quantity, 0)).toBe(line.quantity);
          for (const a of routed) {
            const id = `${a.locationId}:${line.sku}`;
            heldFromOrders.set(id, (heldFromOrders.get(id) ?? 0) + a.quantity);
          }
        }
      }
      const held = await heldByLevel(storage);
      expect(new Map([...held].filter(([, n]) => n > 0))).toEqual(heldFromOrders);
      expect(await heldUnits(storage)).toBeLessThanOrEqual(3);
    },
    120_000,
  );
});
