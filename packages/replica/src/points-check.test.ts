import { describe, expect, it } from 'vitest';
import { phoneIndex } from '@pos/domain';
import { INDEX_KEY_FIXTURE } from '@pos/domain/fixtures';
import { onlinePointsChecker } from './points-check';

describe('online points check', () => {
  it("[MB4] [PI2] names the member's phone by its blind index, so the server tells another store's member's balance", async () => {
    const sent: unknown[] = [];
    const check = onlinePointsChecker({
      url: 'http://sync.invalid/',
      token: 't',
      fetch: async (_url, init) => {
        sent.push(JSON.parse(String(init?.body)));
        return new Response(JSON.stringify({ ok: true, balance: 5000 }), { status: 200 });
      },
    });
    const index = phoneIndex(INDEX_KEY_FIXTURE, '13900139003');
    expect(await check('M0003', 100, index)).toEqual({ ok: true, balance: 5000 });
    expect(await check('M0001', 100)).toEqual({ ok: true, balance: 5000 });
    expect(sent).toEqual([
      { memberId: 'M0003', points: 100, phoneIndex: index },
      { memberId: 'M0001', points: 100 },
    ]);
  });

  it('[MB4] a member the server does not know to this till (404) leaves the decision to the replica', async () => {
    const check = onlinePointsChecker({
      url: 'http://sync.invalid',
      token: 't',
      fetch: async () =>
        new Response(JSON.stringify({ error: 'not_found', reason: 'x' }), { status: 404 }),
    });
    expect(await check('M0003', 100)).toEqual({ offline: true });
  });
});
