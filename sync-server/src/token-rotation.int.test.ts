/**
 * Device token rotation over HTTP on each storage backend: the device's own
 * endpoint, the grace period on an injected clock, and revocation.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashToken, provisionAdminToken, rotateDeviceToken, TOKEN_ROTATION_GRACE_MS } from './auth';
import { seedDemo } from './demo-data';
import { createSyncServer, type SyncServer } from './server';
import { openPgliteStorage } from './storage/pglite';
import type { SyncStorage } from './storage/storage';
import { BACKENDS, S001_DEVICE, S002_DEVICE, runCli, waitForLongpolls } from './test-support';

const S001 = S001_DEVICE.token;
const HOUR = 3_600_000;

type Rotated = {
  ok: true;
  token: string;
  deviceId: string;
  storeId: string;
  previousValidUntil: string;
};

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`device token rotation on ${backend.name}`, () => {
    let storage: SyncStorage;
    let server: SyncServer;
    let url: string;
    let clock = new Date('2026-03-01T08:00:00Z');

    beforeEach(async () => {
      clock = new Date('2026-03-01T08:00:00Z');
      storage = await backend.open();
      await seedDemo(storage);
      server = createSyncServer({ storage, now: () => clock, rateLimit: false });
      url = await server.listen(0, '127.0.0.1');
    });
    afterEach(async () => {
      await server.close();
      await storage.close();
    });

    const status = async (token: string, path = '/stock') =>
      (await fetch(url + path, { headers: { authorization: `Bearer ${token}` } })).status;
    const rotate = async (token: string) => {
      const res = await fetch(`${url}/_device/token`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      return { status: res.status, body: (await res.json()) as Rotated };
    };

    it('[TR1] [TR2] the old token works until the new one is first used, then gets 401', async () => {
      const rotated = await rotate(S001);
      expect(rotated.status).toBe(201);
      expect(rotated.body).toEqual({
        ok: true,
        token: expect.stringMatching(/^pos_[A-Za-z0-9_-]{43}$/),
        deviceId: S001_DEVICE.deviceId,
        storeId: S001_DEVICE.storeId,
        previousValidUntil: new Date(clock.getTime() + TOKEN_ROTATION_GRACE_MS).toISOString(),
      });
      const fresh = rotated.body.token;
      // Stored only hashed.
      expect(await storage.findDeviceToken(fresh, clock)).toBeNull();
      // The answer was lost: the till keeps working with its old token.
      expect(await status(S001)).toBe(200);
      expect(await status(S001)).toBe(200);
      // The till uses the new one: the old one stops.
      expect(await status(fresh)).toBe(200);
      expect(await status(S001)).toBe(401);
      expect(await status(fresh)).toBe(200);
      // Another device is untouched.
      expect(await status(S002_DEVICE.token)).toBe(200);
    });

    it('[TR1] a lost answer: rotating again with the old token works, and never extends its deadline', async () => {
      const first = await rotate(S001);
      clock = new Date(clock.getTime() + 20 * HOUR);
      const second = await rotate(S001);
      expect(second.status).toBe(201);
      expect(await status(S001)).toBe(200);
      // The first deadline stands for the old token.
      clock = new Date(first.body.previousValidUntil);
      expect(await status(S001)).toBe(401);
      // Using the newest ends the never-delivered one too.
      expect(await status(second.body.token)).toBe(200);
      expect(await status(first.body.token)).toBe(401);
    });

    it('[TR1] the old token stops when the grace period ends (injected clock)', async () => {
      const rotated = await rotate(S001);
      clock = new Date(clock.getTime() + TOKEN_ROTATION_GRACE_MS - 1);
      expect(await status(S001)).toBe(200);
      clock = new Date(clock.getTime() + 1);
      expect(await status(S001)).toBe(401);
      expect(await status(rotated.body.token)).toBe(200);
      // Once used, the new token has no deadline.
      clock = new Date(clock.getTime() + 400 * 24 * HOUR);
      expect(await status(rotated.body.token)).toBe(200);
    });

    it('[TR3] a revoked device: its old, pending and adopted tokens all stop', async () => {
      const first = await rotate(S001);
      const second = await rotate(S001);
      expect(await storage.revokeDevice(S001_DEVICE.deviceId)).toBe(3);
      for (const token of [S001, first.body.token, second.body.token]) {
        expect(await status(token)).toBe(401);
      }
      const refused = await rotate(S001);
      expect(refused.status).toBe(401);
      // Rotating a device without a token is refused: provision it instead.
      await expect(
        rotateDeviceToken(storage, S001_DEVICE.deviceId, { now: clock }),
      ).rejects.toThrow(/no valid token to rotate; provision it/);
    });

    it('[TR1] an admin token cannot rotate here; the admin rotation works the same way', async () => {
      const admin = await provisionAdminToken(storage, 'hq-tools');
      const refused = await rotate(admin.token);
      expect(refused.status).toBe(403);
      expect((refused.body as unknown as { reason: string }).reason).toMatch(/rotate-device-token/);
      const bad = await fetch(`${url}/_device/token`, {
        headers: { authorization: `Bearer ${S001}` },
      });
      expect(bad.status).toBe(405);
      expect(
        (
          await fetch(`${url}/_device/other`, {
            method: 'POST',
            headers: { authorization: `Bearer ${S001}` },
          })
        ).status,
      ).toBe(404);

      const rotated = await rotateDeviceToken(storage, S001_DEVICE.deviceId, {
        now: clock,
        graceMs: HOUR,
      });
      expect(rotated.previousValidUntil).toBe(new Date(clock.getTime() + HOUR).toISOString());
      expect(await storage.findDeviceToken(hashToken(rotated.token), clock)).toEqual({
        deviceId: S001_DEVICE.deviceId,
        storeId: S001_DEVICE.storeId,
      });
      expect(await status(S001)).toBe(401);
      await expect(rotateDeviceToken(storage, 'not a device id')).rejects.toThrow(
        /device id must be/,
      );
    });

    it('[TR2] a longpoll waiting with the old token is answered 401 when the new one is used', async () => {
      const rotated = await rotate(S001);
      const waiting = fetch(`${url}/stock/_changes?feed=longpoll&since=now&timeout=60000`, {
        headers: { authorization: `Bearer ${S001}` },
      });
      await waitForLongpolls(url, 1);
      expect(await status(rotated.body.token)).toBe(200);
      expect((await waiting).status).toBe(401);
    });
  });
}

describe('cli rotate-device-token', () => {
  it('[TR1] prints a new token once; the old one works until the new one is used', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-server-rotate-'));
    const dataDir = join(dir, 'pglite');
    try {
      const seeded = await openPgliteStorage(dataDir);
      await seedDemo(seeded);
      await seeded.close();
      const rotated = await runCli([
        'rotate-device-token',
        S001_DEVICE.deviceId,
        '--grace-hours',
        '2',
        '--data-dir',
        dataDir,
      ]);
      expect(rotated.code).toBe(0);
      expect(rotated.stdout).toMatch(/S001-POS1 \(store S001\) has a new token/);
      const token = rotated.stdout.trim().split('\n').at(-1)!;
      expect(token).toMatch(/^pos_[A-Za-z0-9_-]{43}$/);
      const unknown = await runCli(['rotate-device-token', 'S404-POS1', '--data-dir', dataDir]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/no valid token to rotate/);

      const storage = await openPgliteStorage(dataDir);
      try {
        const device = { deviceId: S001_DEVICE.deviceId, storeId: S001_DEVICE.storeId };
        expect(await storage.findDeviceToken(hashToken(S001))).toEqual(device);
        expect(await storage.findDeviceToken(hashToken(token))).toEqual(device);
        expect(await storage.findDeviceToken(hashToken(S001))).toBeNull();
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
