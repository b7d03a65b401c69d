import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { memberView } from '@pos/domain';
import { INDEX_KEY_FIXTURE } from '@pos/domain/fixtures';
import type { Outbox, ReplicaDatabase } from '@pos/replica';
import { createCheckout } from './checkout';
import { createStateStore, initialTillState, type StateStore, type TillState } from './state';
import { fakeDevices, openTestReplica, testPorts, ZHANG_WEI } from './till.fixture';

let db: ReplicaDatabase;
let outbox: Outbox;
let state: StateStore<TillState>;
beforeEach(async () => {
  ({ db, outbox } = await openTestReplica());
  state = createStateStore(initialTillState('CNY'));
  await db.members.insert(memberView(ZHANG_WEI, INDEX_KEY_FIXTURE));
});
afterEach(() => db.close());

const URL = 'https://pos.example.cn/consent/AbCdEfGhIjKlMnOpQrStUv';
const EXPIRES = '2026-11-22T03:30:00.000Z';

describe('consent slip', () => {
  it('[CS2][PI1] prints the invitation link as a QR code with the masked name, never the name', async () => {
    const terminal = fakeDevices();
    const asked: string[] = [];
    const checkout = createCheckout(
      testPorts(db, outbox, {
        state,
        devices: terminal.devices,
        replica: {
          consentInvitation: async (memberId) => {
            asked.push(memberId);
            return { ok: true, url: URL, expiresAt: EXPIRES };
          },
        },
      }),
    );
    await checkout.attachMember('13800138001');
    const outcome = await checkout.printConsentSlip();
    expect(outcome).toMatchObject({ ok: true, notices: [{ code: 'CONSENT_SLIP_PRINTED' }] });
    expect(asked).toEqual([ZHANG_WEI.id]);
    expect(terminal.documents).toEqual([
      {
        kind: 'consent-slip',
        slip: { url: URL, expiresAt: EXPIRES, memberId: ZHANG_WEI.id, maskedName: '张*' },
      },
    ]);
    expect(JSON.stringify(terminal.documents)).not.toContain(ZHANG_WEI.name);
    expect(JSON.stringify(terminal.documents)).not.toContain(ZHANG_WEI.phone);
  });

  it('[CS2] offline: nothing is printed and the cashier is told why', async () => {
    const terminal = fakeDevices();
    // The test replica's sync server does not answer (127.0.0.1:9).
    const checkout = createCheckout(testPorts(db, outbox, { state, devices: terminal.devices }));
    await checkout.attachMember('13800138001');
    const outcome = await checkout.printConsentSlip();
    expect(outcome).toMatchObject({ ok: false, code: 'CONSENT_OFFLINE' });
    expect(terminal.documents).toEqual([]);
  });

  it('[CS2] a member the server does not know, or none with an id: refused, nothing printed', async () => {
    const terminal = fakeDevices();
    const checkout = createCheckout(
      testPorts(db, outbox, {
        state,
        devices: terminal.devices,
        replica: {
          consentInvitation: async () => ({
            ok: false,
            reason: 'unknown-member',
            message: 'no member',
          }),
        },
      }),
    );
    expect(await checkout.printConsentSlip()).toMatchObject({ ok: false, code: 'MEMBER_MISSING' });
    state.set({ member: { kind: 'phone-only', phoneIndex: 'x', maskedPhone: '138****8009' } });
    expect(await checkout.printConsentSlip()).toMatchObject({
      ok: false,
      code: 'CONSENT_NEEDS_MEMBER',
    });
    await checkout.attachMember('13800138001');
    expect(await checkout.printConsentSlip()).toMatchObject({
      ok: false,
      code: 'CONSENT_MEMBER_UNKNOWN',
    });
    expect(terminal.documents).toEqual([]);
  });
});
