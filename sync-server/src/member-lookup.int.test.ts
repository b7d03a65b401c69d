/**
 * [MB1]-[MB4] What a till learns about members it does not hold: masked and
 * only what the sale needs, a balance only for a member it identifies,
 * lookups rate-limited per device and logged without the phone or a token.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionAdminToken } from './auth';
import { seedDemo } from './demo-data';
import { createSyncServer, type SyncServer } from './server';
import { BACKENDS, S001_DEVICE, S002_DEVICE } from './test-support';
import type { SyncStorage } from './storage/storage';

const backend = BACKENDS[0]!; // the rules are the server's, not the database's

describe('member lookups by tills', () => {
  let storage: SyncStorage;
  let server: SyncServer;
  let base: string;
  let logged: { level: string; message: string; fields?: Record<string, unknown> }[];

  async function start(limit: { burst: number; perSecond: number } | false = false) {
    logged = [];
    server = createSyncServer({
      storage,
      rateLimit: false,
      memberLookupRateLimit: limit,
      log: (level, message, fields) =>
        logged.push({ level, message, ...(fields ? { fields } : {}) }),
    });
    base = await server.listen(0);
  }
  const get = async (token: string, path: string) => {
    const response = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as Record<string, unknown>,
    };
  };
  const check = async (token: string, body: unknown) => {
    const response = await fetch(`${base}/_points/check`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  beforeEach(async () => {
    storage = await backend.open();
    await seedDemo(storage);
  });
  afterEach(async () => {
    await server.close();
    await storage.close();
  });

  it("[MB1] [PV3] a till gets another store's member masked, with what the sale needs only", async () => {
    await start();
    const found = await get(S001_DEVICE.token, '/_members/lookup?phone=13900139003');
    expect(found.status).toBe(200);
    expect(found.body).toEqual({
      id: 'M0003',
      maskedName: 'A*',
      maskedPhone: '139****9003',
      tier: 'gold',
      points: 5000,
      status: 'active',
    });
    const own = await get(S001_DEVICE.token, '/_members/lookup?phone=13800138001');
    expect(own.body).toMatchObject({ id: 'M0001', maskedName: '张*', maskedPhone: '138****8001' });
    expect(own.body).not.toHaveProperty('homeStoreId');
  });

  it('[MB1] [PK6] an admin gets the member masked too: full values only through an audited reveal', async () => {
    await start();
    const { token } = await provisionAdminToken(storage, 'hq-tools');
    const found = await get(token, '/_members/lookup?phone=13900139003');
    expect(found.body).toEqual({
      id: 'M0003',
      maskedName: 'A*',
      maskedPhone: '139****9003',
      tier: 'gold',
      points: 5000,
      status: 'active',
    });
  });

  it("[MB4] [PT5] a till learns the balance of its own store's member by id, of another's only with the member's phone", async () => {
    await start();
    expect(await check(S001_DEVICE.token, { memberId: 'M0001', points: 100 })).toMatchObject({
      status: 200,
      body: { ok: true, balance: 1200 },
    });
    // M0003 is S002's: by id alone it is not known to an S001 till.
    const byIdOnly = await check(S001_DEVICE.token, { memberId: 'M0003', points: 100 });
    expect(byIdOnly).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(byIdOnly.body).not.toHaveProperty('balance');
    const wrongPhone = await check(S001_DEVICE.token, {
      memberId: 'M0003',
      phone: '13800138001',
      points: 100,
    });
    expect(wrongPhone).toMatchObject({ status: 404 });
    // The same answer as for a member that does not exist.
    const missing = await check(S001_DEVICE.token, {
      memberId: 'M9999',
      phone: '13900139003',
      points: 1,
    });
    expect(missing).toMatchObject({
      status: 404,
      body: { reason: String(byIdOnly.body.reason).replace('M0003', 'M9999') },
    });
    expect(
      await check(S001_DEVICE.token, { memberId: 'M0003', phone: '139 0013 9003', points: 100 }),
    ).toMatchObject({
      status: 200,
      body: { ok: true, balance: 5000 },
    });
    expect(await check(S002_DEVICE.token, { memberId: 'M0003', points: 6000 })).toMatchObject({
      status: 409,
      body: { error: 'insufficient_points', balance: 5000 },
    });
    expect(
      await check(S001_DEVICE.token, { memberId: 'M0003', phone: 'abc', points: 1 }),
    ).toMatchObject({
      status: 400,
    });
  });

  it('[MB2] lookups are rate-limited per device with 429 and Retry-After; another device is not slowed', async () => {
    await start({ burst: 3, perSecond: 0.001 });
    for (let i = 0; i < 3; i++) {
      expect((await get(S001_DEVICE.token, '/_members/lookup?phone=13900139003')).status).toBe(200);
    }
    const limited = await get(S001_DEVICE.token, '/_members/lookup?phone=13900139003');
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({
      error: 'rate_limited',
      retry_after_ms: expect.any(Number),
    });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Points checks draw from the same bucket.
    expect((await check(S001_DEVICE.token, { memberId: 'M0001', points: 1 })).status).toBe(429);
    expect((await get(S002_DEVICE.token, '/_members/lookup?phone=13900139003')).status).toBe(200);
  });

  it('[MB3] each lookup is logged with the device, its store and the outcome, never the phone in full or a token', async () => {
    await start({ burst: 3, perSecond: 0.001 });
    await get(S001_DEVICE.token, '/_members/lookup?phone=13900139003');
    await get(S001_DEVICE.token, '/_members/lookup?phone=13700000000');
    await get(S001_DEVICE.token, '/_members/lookup?phone=abc');
    await get(S001_DEVICE.token, '/_members/lookup?phone=13900139003');
    await check(S001_DEVICE.token, { memberId: 'M0003', points: 1 });
    const lines = logged.filter((l) => l.message === 'member lookup').map((l) => l.fields);
    expect(lines).toEqual([
      expect.objectContaining({
        deviceId: 'S001-POS1',
        storeId: 'S001',
        endpoint: 'members/lookup',
        outcome: 'found',
        memberId: 'M0003',
        phone: '139****9003',
      }),
      expect.objectContaining({
        deviceId: 'S001-POS1',
        outcome: 'not_found',
        phone: '137****0000',
      }),
      expect.objectContaining({ deviceId: 'S001-POS1', outcome: 'bad_request' }),
      expect.objectContaining({ deviceId: 'S001-POS1', outcome: 'rate_limited' }),
      expect.objectContaining({
        deviceId: 'S001-POS1',
        endpoint: 'points/check',
        outcome: 'rate_limited',
      }),
    ]);
    const text = JSON.stringify(logged);
    expect(text).not.toContain('13900139003');
    expect(text).not.toContain('13700000000');
    expect(text).not.toContain(S001_DEVICE.token);
  });
});
