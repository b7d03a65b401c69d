/**
 * Consent on both backends, through the started server: invitations from a
 * till, the customer's page (GET and POST over real HTTP), the append-only
 * ledger, and the message outbox that a withdrawal empties at once.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsentEntry, ConsentState, Member } from '@pos/domain';
import { BACKENDS, S001_DEVICE, S002_DEVICE } from '../test-support';
import { CONSENTS_DB, mayUse } from './consent-check';
import { CONSENT_INVITES_DB, invitationId } from './consent-invitations';
import { recordConsentAnswer } from './consent-ledger';
import { enqueueMessage, OUTBOX_DB, type OutboxMessage } from './outbox';
import {
  formBody,
  POLICY_VERSION,
  startPrivacyServer,
  tokenOf,
  type PrivacyTestServer,
} from './privacy-routes-test-support';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

describe.each(BACKENDS)('consent on $name', (backend) => {
  let server: PrivacyTestServer;
  beforeEach(async () => {
    if (backend.skip) return;
    server = await startPrivacyServer(backend);
  });
  afterEach(async () => {
    await server?.close();
  });

  /** An invitation for `memberId` asked for by the S001 till: the page's path. */
  async function invite(memberId = 'M1', token = S001_DEVICE.token): Promise<string> {
    const res = await server.request(token, '/_consent/invitations', { body: { memberId } });
    expect(res.status).toBe(201);
    const { url } = res.body as { url: string };
    return new URL(url).pathname;
  }

  async function ledger(memberId = 'M1') {
    const res = await server.request(server.adminToken, `/_members/${memberId}/consents`);
    expect(res.status).toBe(200);
    return res.body as { states: ConsentState[]; entries: ConsentEntry[] };
  }

  const answer = (path: string, answers: Record<string, 'yes' | 'no'>) =>
    server.request(null, path, { body: formBody(answers), headers: FORM });

  it.skipIf(backend.skip)(
    '[CS2] a till asks for an invitation: a one-time URL for 30 minutes, its token stored hashed',
    async () => {
      const res = await server.request(S001_DEVICE.token, '/_consent/invitations', {
        body: { memberId: 'M1' },
      });
      expect(res.status).toBe(201);
      const { url, expiresAt } = res.body as { url: string; expiresAt: string };
      expect(url).toMatch(new RegExp(`^${server.url}/consent/[A-Za-z0-9_-]{22}$`));
      expect(expiresAt).toBe('2026-03-01T02:30:00.000Z');
      const token = tokenOf(url);
      const stored = await server.storage.findDocs(CONSENT_INVITES_DB, { memberId: 'M1' });
      expect(stored.map((row) => row.id)).toEqual([invitationId(token)]);
      expect(JSON.stringify(stored)).not.toContain(token);
      // Any store's till may ask (the customer may shop anywhere); an unknown member is 404.
      expect(
        (
          await server.request(S002_DEVICE.token, '/_consent/invitations', {
            body: { memberId: 'M1' },
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await server.request(S001_DEVICE.token, '/_consent/invitations', {
            body: { memberId: 'M9' },
          })
        ).status,
      ).toBe(404);
      expect(
        (await server.request(S001_DEVICE.token, '/_consent/invitations', { body: {} })).status,
      ).toBe(400);
      expect(
        (await server.request(null, '/_consent/invitations', { body: { memberId: 'M1' } })).status,
      ).toBe(401);
    },
  );

  it.skipIf(backend.skip)(
    '[CS2] the page lists each purpose with its state and the policy, in Chinese or English, locked down',
    async () => {
      const path = await invite();
      const zh = await server.request(null, path);
      expect(zh.status).toBe(200);
      expect(zh.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(zh.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(zh.headers.get('referrer-policy')).toBe('no-referrer');
      expect(zh.headers.get('cache-control')).toBe('no-store');
      expect(zh.text).toContain('<html lang="zh-CN">');
      expect(zh.text).toContain('会员：张*');
      expect(zh.text).toContain(`隐私政策（版本 ${POLICY_VERSION}）`);
      for (const title of ['营销信息', '试穿推荐', '个性化优惠', '向境外提供']) {
        expect(zh.text).toContain(title);
      }
      expect(zh.text.match(/当前：未同意/g)).toHaveLength(4);
      // Nothing is agreed for the customer: "do not agree" stands until they agree.
      expect(zh.text).not.toContain('value="yes" checked');
      expect(zh.text).not.toMatch(/<script|src=|https?:\/\//);

      const en = await server.request(null, `${path}?lang=en`);
      expect(en.text).toContain('<html lang="en">');
      expect(en.text).toContain('Suggestions from your try-ons');
      const byHeader = await server.request(null, path, {
        headers: { 'accept-language': 'en-US,en;q=0.9,zh-CN;q=0.5' },
      });
      expect(byHeader.text).toContain('<html lang="en">');
    },
  );

  it.skipIf(backend.skip)(
    '[CS1] [CS2] the customer answers on the page: entries with channel customer-web, the policy and the server time',
    async () => {
      const path = await invite();
      const res = await answer(path, { 'tryon-suggestions': 'yes', 'marketing-messages': 'no' });
      expect(res.status).toBe(200);
      expect(res.text).toContain('已保存');
      expect(res.text).toMatch(/name="tryon-suggestions" value="yes" checked/);
      const { states, entries } = await ledger();
      expect(entries).toEqual([
        {
          id: 'M1:000001',
          memberId: 'M1',
          purpose: 'tryon-suggestions',
          granted: true,
          policyVersion: POLICY_VERSION,
          channel: 'customer-web',
          at: '2026-03-01T02:00:00.000Z',
        },
      ]);
      expect(states.find((s) => s.purpose === 'tryon-suggestions')?.granted).toBe(true);
      expect(states.find((s) => s.purpose === 'marketing-messages')?.granted).toBe(false);

      // The same answer again adds nothing ([CN4]); a change of mind within the lifetime is recorded.
      server.advance(60_000);
      expect((await answer(path, { 'tryon-suggestions': 'yes' })).text).toContain('没有变化');
      await answer(path, { 'tryon-suggestions': 'no' });
      const after = await ledger();
      expect(after.entries.map((e) => [e.id, e.granted, e.at])).toEqual([
        ['M1:000001', true, '2026-03-01T02:00:00.000Z'],
        ['M1:000002', false, '2026-03-01T02:01:00.000Z'],
      ]);

      // JSON answers too, for the online shop's page.
      const json = await server.request(null, path, {
        body: { choices: { 'personalised-offers': true } },
      });
      expect(json.status).toBe(200);
      expect((json.body as { saved: string }).saved).toBe('changed');

      // A device of the member's home store reads it; another store's does not.
      expect((await server.request(S001_DEVICE.token, '/_members/M1/consents')).status).toBe(200);
      expect((await server.request(S002_DEVICE.token, '/_members/M1/consents')).status).toBe(404);
    },
  );

  it.skipIf(backend.skip)(
    '[CS1] the ledger is append-only: an entry is never overwritten, a taken id is an error',
    async () => {
      const path = await invite();
      await answer(path, { 'marketing-messages': 'yes' });
      const [first] = await server.storage.findDocs(CONSENTS_DB, { memberId: 'M1' });
      const [collision] = await server.storage.bulkWrite([
        {
          db: CONSENTS_DB,
          id: first!.id,
          body: { ...first!.body, granted: false },
          storeId: null,
          expectedRev: null,
        },
      ]);
      expect(collision?.ok).toBe(false);
      server.advance(1000);
      await answer(path, { 'marketing-messages': 'no' });
      const rows = await server.storage.findDocs(CONSENTS_DB, { memberId: 'M1' });
      expect(rows).toHaveLength(2);
      expect(rows[0]).toEqual(first);
    },
  );

  it.skipIf(backend.skip)(
    '[CS1] [ST15] answers committed together each see the ones before: consecutive ids, no collision',
    async () => {
      const at = server.clock.now.toISOString();
      const answers = (
        ['marketing-messages', 'tryon-suggestions', 'personalised-offers'] as const
      ).map((purpose) =>
        recordConsentAnswer(server.storage, {
          memberId: 'M1',
          choices: { [purpose]: true },
          channel: 'customer-web',
          policyVersion: POLICY_VERSION,
          at,
        }),
      );
      const recorded = await Promise.all(answers);
      expect(recorded.flatMap((r) => r.added.map((e) => e.id)).sort()).toEqual([
        'M1:000001',
        'M1:000002',
        'M1:000003',
      ]);
      expect((await ledger()).states.filter((s) => s.granted)).toHaveLength(3);
    },
  );

  it.skipIf(backend.skip)(
    '[CS2] an expired, unknown or malformed link or answer changes nothing',
    async () => {
      const path = await invite();
      const bad = await answer(path, { 'tryon-suggestions': 'maybe' as 'yes' });
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('未作任何更改');
      expect((await answer(path, { 'not-a-purpose': 'yes' })).status).toBe(400);
      server.advance(30 * 60 * 1000);
      const expired = await server.request(null, path);
      expect(expired.status).toBe(410);
      expect(expired.text).toContain('链接已过期');
      expect((await answer(path, { 'tryon-suggestions': 'yes' })).status).toBe(410);
      const unknown = await server.request(null, '/consent/AAAAAAAAAAAAAAAAAAAAAA?lang=en');
      expect(unknown.status).toBe(404);
      expect(unknown.text).toContain('Link not valid');
      expect((await server.request(null, '/consent/x%3Cscript%3E')).status).toBe(404);
      expect((await ledger()).entries).toEqual([]);
    },
  );

  it.skipIf(backend.skip)(
    '[CS2] a clerk cannot record consent: no device endpoint writes the ledger',
    async () => {
      const asDevice = (path: string, body: unknown, method = 'POST') =>
        server.request(S001_DEVICE.token, path, { method, body });
      const entry = { memberId: 'M1', purpose: 'tryon-suggestions', granted: true };
      expect((await asDevice('/_members/M1/consents', entry)).status).toBe(405);
      expect((await asDevice('/_consent/M1', entry)).status).toBe(404);
      expect((await asDevice('/_consents/_bulk_docs', { docs: [entry] })).status).toBe(404);
      expect((await asDevice('/_consent/invitations', { ...entry })).status).toBe(201);
      expect(
        (await server.request(server.adminToken, '/_members/M1/consents', { body: entry })).status,
      ).toBe(405);
      expect((await ledger()).entries).toEqual([]);
    },
  );

  it.skipIf(backend.skip)(
    '[CS3] [CS4] [CS5] a withdrawal on the page stops try-on suggestions at once; other purposes go on',
    async () => {
      const path = await invite();
      await answer(path, { 'tryon-suggestions': 'yes', 'marketing-messages': 'yes' });
      const at = server.clock.now.toISOString();
      const suggestion = (body: string) =>
        enqueueMessage(
          server.storage,
          { memberId: 'M1', purpose: 'tryon-suggestions', channel: 'wecom', body },
          at,
        );
      const queued = [
        await suggestion('配这条裙子的外套到了'),
        await suggestion('您试过的衬衫有新颜色'),
      ];
      const offer = await enqueueMessage(
        server.storage,
        { memberId: 'M1', purpose: 'marketing-messages', channel: 'sms', body: '周末会员日' },
        at,
      );
      expect([...queued, offer].every((r) => r.ok)).toBe(true);
      const pending = async () => {
        const res = await server.request(server.adminToken, '/_admin/outbox?status=pending');
        expect(res.status).toBe(200);
        return (res.body as { messages: OutboxMessage[] }).messages;
      };
      expect((await pending()).map((m) => m.purpose).sort()).toEqual([
        'marketing-messages',
        'tryon-suggestions',
        'tryon-suggestions',
      ]);

      server.advance(1000);
      expect((await answer(path, { 'tryon-suggestions': 'no' })).status).toBe(200);

      const next = await pending();
      expect(next.map((m) => m.purpose)).toEqual(['marketing-messages']);
      const ids = queued.map((r) => (r.ok ? r.message.id : ''));
      const stored = await server.storage.getDocs(OUTBOX_DB, ids, null);
      for (const id of ids) {
        expect(stored.get(id)?.body).toMatchObject({
          status: 'cancelled',
          reason: 'consent-withdrawn',
          cancelledAt: '2026-03-01T02:00:01.000Z',
        });
      }
      expect(await suggestion('again')).toEqual({ ok: false, reason: 'no-consent' });
      expect(
        await mayUse(server.storage, 'M1', 'tryon-suggestions', server.clock.now.toISOString()),
      ).toBe(false);

      // The sender may still report the marketing message sent, never a cancelled one.
      const sent = await server.request(server.adminToken, `/_admin/outbox/${next[0]!.id}/sent`, {
        method: 'POST',
      });
      expect(sent.status).toBe(200);
      expect((sent.body as { message: OutboxMessage }).message.status).toBe('sent');
      const refused = await server.request(server.adminToken, `/_admin/outbox/${ids[0]}/sent`, {
        method: 'POST',
      });
      expect(refused.status).toBe(409);
      expect((await server.request(S001_DEVICE.token, '/_admin/outbox')).status).toBe(403);
    },
  );

  it.skipIf(backend.skip)(
    '[CS3] [CS5] a closed member is never contacted: refused at enqueue, hidden from the sender, not sendable',
    async () => {
      await recordConsentAnswer(server.storage, {
        memberId: 'M1',
        choices: { 'marketing-messages': true },
        channel: 'customer-web',
        policyVersion: POLICY_VERSION,
        at: server.clock.now.toISOString(),
      });
      const at = server.clock.now.toISOString();
      const queued = await enqueueMessage(
        server.storage,
        { memberId: 'M1', purpose: 'marketing-messages', channel: 'sms', body: '新品' },
        at,
      );
      expect(queued.ok).toBe(true);
      const member = (await server.storage.getDocs('members', ['M1'], null)).get('M1')!
        .body as Member;
      await server.writeMember({ ...member, status: 'closed' });
      const res = await server.request(server.adminToken, '/_admin/outbox?status=pending');
      expect((res.body as { messages: unknown[] }).messages).toEqual([]);
      const id = queued.ok ? queued.message.id : '';
      expect(
        (await server.request(server.adminToken, `/_admin/outbox/${id}/sent`, { method: 'POST' }))
          .status,
      ).toBe(409);
      expect(
        await enqueueMessage(
          server.storage,
          { memberId: 'M1', purpose: 'marketing-messages', channel: 'sms', body: '新品' },
          at,
        ),
      ).toEqual({ ok: false, reason: 'no-consent' });
      // And its invitation page says so.
      const invited = await server.request(server.adminToken, '/_consent/invitations', {
        body: { memberId: 'M1' },
      });
      expect(invited.status).toBe(409);
    },
  );
});
