/**
 * A till asks the real sync server for a member's consent invitation: the
 * link comes back and opens the consent page; an unknown member and an
 * unreachable server are answers, not errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memberView, type MemberRecord } from '@pos/domain';
import { INDEX_KEY_FIXTURE } from '@pos/domain/fixtures';
import { DEMO_DEVICES, startSyncServer, type RunningSyncServer } from '@pos/sync-server';
import { requestConsentInvitation } from './consent-invitation';
import type { SyncTarget } from './replication';

const record: MemberRecord = {
  id: 'M-S001-CS',
  phone: '13800138201',
  name: '钱芳',
  tier: 'basic',
  homeStoreId: 'S001',
  points: 0,
  status: 'active',
};

describe('consent invitation from a till', () => {
  let server: RunningSyncServer | null;
  let target: SyncTarget;

  beforeAll(async () => {
    server = await startSyncServer({ port: 0, dataDir: 'memory://', seedDemo: true });
    const member = memberView(record, INDEX_KEY_FIXTURE);
    const written = await server!.storage.bulkWrite([
      { db: 'members', id: member.id, body: member, storeId: 'S001', expectedRev: null },
    ]);
    expect(written.every((w) => w.ok)).toBe(true);
    const device = DEMO_DEVICES.find((d) => d.storeId === 'S001')!;
    target = { url: server!.url, token: device.token };
  });
  afterAll(async () => {
    await server?.close();
  });

  it('[CS2] the invitation link comes back and opens the consent page', async () => {
    const answer = await requestConsentInvitation(target, record.id);
    if (!answer.ok) throw new Error(`refused: ${answer.message}`);
    expect(Date.parse(answer.expiresAt)).toBeGreaterThan(Date.now());
    const page = await fetch(answer.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).not.toContain(record.phone);
  });

  it('[CS2] an unknown member and an unreachable server are answers, not errors', async () => {
    expect(await requestConsentInvitation(target, 'M-NOBODY')).toMatchObject({
      ok: false,
      reason: 'unknown-member',
    });
    expect(
      await requestConsentInvitation({ url: 'http://127.0.0.1:9', token: target.token }, record.id),
    ).toMatchObject({ ok: false, reason: 'offline' });
  });
});
