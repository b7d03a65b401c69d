import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabelAck, LabelContent, LabelWork } from '@pos/domain';
import { createCloudEslDriver, EslGatewayError } from './cloudesl-driver';
import { decodeList, encodeParams } from './cloudesl-protocol';
import type { EslDriver, LabelPushItem } from './driver';
import { startGatewaySimulator, type GatewaySimulator } from './gateway-simulator';
import { createShelfLabelService, LabelOutbox } from './label-service';

const content = (sku: string, priceFen: number): LabelContent => ({
  sku,
  name: `商品 ${sku}`,
  priceFen,
  wasFen: null,
  promo: null,
  online: null,
  currency: 'CNY',
  unit: null,
});
const item = (labelId: string, sku: string, priceFen: number): LabelPushItem => ({
  labelId,
  sku,
  content: content(sku, priceFen),
  hash: `h${sku}${priceFen}`,
});
const answer = (status: number, body: object, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

/** Reads states until every label has left pending (each read lets the simulator move on). */
async function settled(driver: EslDriver, ids: string[]) {
  for (let i = 0; i < 500; i++) {
    const states = await driver.status(ids);
    if (ids.every((id) => states.get(id)?.state !== 'pending' && states.get(id)?.hash))
      return states;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('labels stayed pending');
}

describe('CloudEsl protocol', () => {
  it('[EG1] lists encode as Name.N.Field and decode back', () => {
    const field = fc.string({ minLength: 0, maxLength: 20 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ ItemBarCode: field, ActionPrice: fc.nat() }), { maxLength: 100 }),
        (items) => {
          const form = encodeParams('BatchInsertItems', { StoreId: 'S1', ItemInfo: items });
          expect(form.get('Action')).toBe('BatchInsertItems');
          expect(decodeList(form, 'ItemInfo', 100)).toEqual(
            items.map((i) => ({ ItemBarCode: i.ItemBarCode, ActionPrice: String(i.ActionPrice) })),
          );
        },
      ),
    );
    expect(
      decodeList(new URLSearchParams('ItemInfo.101.ItemId=1'), 'ItemInfo', 100),
    ).toHaveProperty('error');
    expect(decodeList(new URLSearchParams('ItemInfo.2.ItemId=1'), 'ItemInfo', 100)).toHaveProperty(
      'error',
    );
  });
});

describe('CloudEsl driver against the gateway simulator', () => {
  let sim: GatewaySimulator;
  let driver: EslDriver;
  const labels = ['E0', 'E1', 'E2', 'E3', 'BAD'];
  beforeAll(async () => {
    sim = await startGatewaySimulator({
      storeId: 'S1',
      labels,
      failLabels: ['BAD'],
      failureRate: 0,
      timeScale: 1000,
      aps: 2,
    });
    driver = createCloudEslDriver({ url: sim.url, storeId: 'S1', backoffMs: 1 });
  });
  afterAll(() => sim.close());

  it('[EG2] [EG4] [EG6] [EG8] binds, pushes one item per SKU, and reads each label acknowledged asynchronously', async () => {
    for (const [id, sku] of [
      ['E0', 'A'],
      ['E1', 'A'],
      ['E2', 'B'],
      ['BAD', 'B'],
    ] as const)
      await driver.bind(id, sku);
    const pushed = [
      item('E0', 'A', 100),
      item('E1', 'A', 100),
      item('E2', 'B', 200),
      item('BAD', 'B', 200),
    ];
    expect(await driver.push(pushed)).toEqual(
      pushed.map((p) => ({ labelId: p.labelId, accepted: true })),
    );
    const states = await settled(driver, ['E0', 'E1', 'E2', 'BAD']);
    expect(states.get('E0')).toMatchObject({ state: 'acked', hash: 'hA100' });
    expect(states.get('E2')).toMatchObject({ state: 'acked', hash: 'hB200' });
    expect(states.get('E0')!.batteryPct).toBeGreaterThan(0);
    // [EG7] The forced label fails, out of range.
    expect(states.get('BAD')).toMatchObject({ state: 'failed', error: 'ESL_OUT_OF_RANGE' });
    // [EG6] Content a label already shows is not sent again.
    const before = sim.stats().updates;
    await driver.push([item('E0', 'A', 100)]);
    expect(sim.stats().updates).toBe(before);
  });

  it('[EG5] [EG9] an unknown label is a clear error naming the action and code', async () => {
    await expect(driver.bind('NOPE', 'A')).rejects.toThrow(/BindEslDevice: EslNotExist/);
    const other = createCloudEslDriver({ url: sim.url, storeId: 'S2', backoffMs: 1 });
    await expect(other.bind('E0', 'A')).rejects.toThrow(/StoreNotExist/);
  });

  it('[EG9] health reports the stations, and their going off line', async () => {
    expect(await driver.health()).toEqual({ up: true, apsOnline: 2, apsTotal: 2 });
    sim.setApsOnline(false);
    expect(await driver.health()).toMatchObject({ apsOnline: 0 });
    sim.setApsOnline(true);
  });

  it('[EG3] network errors, 5xx and throttling are retried with backoff; a refusal is not', async () => {
    const answers = [
      () => Promise.reject(new Error('ECONNRESET')),
      () => Promise.resolve(answer(503, { Success: false, Code: 'ServiceUnavailable' })),
      () =>
        Promise.resolve(
          answer(429, { Success: false, ErrorCode: 'Throttling.User' }, { 'retry-after': '2' }),
        ),
      () => Promise.resolve(answer(200, { RequestId: 'r', Success: true })),
    ];
    const waits: number[] = [];
    let calls = 0;
    const flaky = createCloudEslDriver({
      url: 'http://gateway',
      storeId: 'S1',
      fetch: () => answers[calls++]!(),
      sleep: async (ms) => void waits.push(ms),
    });
    await flaky.bind('E0', 'A');
    expect(waits).toEqual([200, 400, 2000]);
    let refused = 0;
    const refusing = createCloudEslDriver({
      url: 'http://gateway',
      storeId: 'S1',
      fetch: () => (
        refused++,
        Promise.resolve(
          answer(400, { Success: false, ErrorCode: 'MandatoryParameters', ErrorMessage: 'x' }),
        )
      ),
      sleep: async () => {},
    });
    const error = await refusing.bind('E0', 'A').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EslGatewayError);
    expect(refused).toBe(1);
    const down = createCloudEslDriver({
      url: 'http://gateway',
      storeId: 'S1',
      attempts: 3,
      fetch: () => Promise.reject(new Error('down')),
      sleep: async () => {},
    });
    await expect(down.push([item('E0', 'A', 1)])).resolves.toEqual([
      { labelId: 'E0', accepted: false, error: expect.stringMatching(/NetworkError/) as unknown },
    ]);
  });
});

describe('the shelf-label service', () => {
  let dir: string;
  let sim: GatewaySimulator;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'esl-svc-'));
    sim = await startGatewaySimulator({
      storeId: 'S1',
      labels: ['E0', 'E1'],
      failureRate: 0,
      timeScale: 1000,
    });
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('[EG10] acks wait in the outbox through a WAN outage and survive a restart, then are posted once', async () => {
    const work: LabelWork = {
      storeId: 'S1',
      at: '2026-12-07T00:00:00.000Z',
      items: [
        { labelId: 'E0', content: content('A', 100), hash: 'hA', pushId: 'P1' },
        { labelId: 'E1', content: content('A', 100), hash: 'hA', pushId: 'P1' },
      ],
    };
    let wanUp = true;
    const posted: LabelAck[] = [];
    const server: typeof fetch = async (input, init) => {
      const url = String(input);
      if (url.endsWith('/_esl/work')) {
        if (!wanUp) throw new Error('ENETUNREACH');
        wanUp = false; // the WAN goes down right after the work arrives
        return answer(200, work);
      }
      if (!wanUp) throw new Error('ENETUNREACH');
      const acks = (JSON.parse(String(init?.body)) as { acks: LabelAck[] }).acks;
      posted.push(...acks);
      return answer(200, { recorded: acks.length, ignored: 0 });
    };
    const driver = createCloudEslDriver({ url: sim.url, storeId: 'S1', backoffMs: 1 });
    const options = { serverUrl: 'http://sync', token: 't', driver, dataDir: dir, fetch: server };
    const service = createShelfLabelService(options);
    for (let i = 0; i < 300 && service.status().acksWaiting < 2; i++) {
      await service.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(service.status()).toMatchObject({ acksWaiting: 2, inFlight: 0, serverReachable: false });
    await service.close();
    const reopened = new LabelOutbox(join(dir, 'esl-outbox.jsonl'));
    expect(reopened.waiting()).toHaveLength(2);
    expect(reopened.bound.get('E0')).toBe('A');
    reopened.close();

    // Restarted with the WAN back: the two acks are posted, once.
    wanUp = true;
    work.items = [];
    const again = createShelfLabelService(options);
    await again.runOnce();
    await again.runOnce();
    expect(posted.map((a) => [a.labelId, a.status, a.hash]).sort()).toEqual([
      ['E0', 'acked', 'hA'],
      ['E1', 'acked', 'hA'],
    ]);
    expect(again.status().acksWaiting).toBe(0);
    await again.close();
  });
});
