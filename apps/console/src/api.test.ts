import { describe, expect, it } from 'vitest';
import { ConsoleApiError, checked, consoleApi, reasonOf, withQuery } from './api';

type Asked = { url: string; init: RequestInit };

/** A fake server: answers each request with the next of `answers` and records what was asked. */
function fakeServer(...answers: { status: number; body: unknown }[]) {
  const asked: Asked[] = [];
  const fetch = async (url: string, init: RequestInit = {}) => {
    asked.push({ url, init });
    const next = answers.shift() ?? { status: 500, body: null };
    return new Response(next.body === undefined ? '' : JSON.stringify(next.body), {
      status: next.status,
    });
  };
  return { asked, fetch };
}

const SALES = {
  rows: [],
  totals: { sales: 2, returns: 0, netFen: 5990, units: 2 },
  byStore: [],
  byChannel: [],
  freshness: { appliedThrough: null, behind: 0, at: '2026-12-07T02:00:00.000Z' },
};

describe('the console’s API client', () => {
  it('[HC8] sends the bearer token and the query’s set values only', async () => {
    const server = fakeServer({ status: 200, body: SALES });
    const api = consoleApi({ token: 'tok-1', fetch: server.fetch });
    const answer = await api.sales({
      from: '2026-12-06T16:00:00.000Z',
      to: '2026-12-07T16:00:00.000Z',
      bucket: 'hour',
    });
    expect(answer.totals.netFen).toBe(5990);
    expect(server.asked[0]!.url).toBe(
      '/_console/dashboard/sales?from=2026-12-06T16%3A00%3A00.000Z&to=2026-12-07T16%3A00%3A00.000Z&bucket=hour',
    );
    expect(server.asked[0]!.init.headers).toMatchObject({ authorization: 'Bearer tok-1' });
    expect(withQuery('/x', { a: undefined, b: '', c: null, d: 0 })).toBe('/x?d=0');
  });

  it('[HC8] sign-in answers the session, or that a TOTP code is needed, and sends no token', async () => {
    const session = {
      ok: true,
      token: 's-1',
      expiresAt: '2026-12-07T14:00:00.000Z',
      user: { id: 'u1', name: 'li', role: 'store-manager' },
      permissions: ['dashboards:read'],
    };
    const server = fakeServer(
      { status: 200, body: { ok: false, totpRequired: true } },
      { status: 401, body: { ok: false, totpRequired: true } },
      { status: 200, body: session },
      { status: 401, body: { error: 'unauthorized', reason: 'wrong name, password or code' } },
    );
    let refused = 0;
    const api = consoleApi({ token: null, fetch: server.fetch, onUnauthorized: () => refused++ });
    expect(await api.signIn({ name: 'li', password: 'pw' })).toEqual({
      ok: false,
      totpRequired: true,
    });
    expect(await api.signIn({ name: 'li', password: 'pw' })).toEqual({
      ok: false,
      totpRequired: true,
    });
    expect(await api.signIn({ name: 'li', password: 'pw', totp: '123456' })).toEqual(session);
    await expect(api.signIn({ name: 'li', password: 'x' })).rejects.toMatchObject({
      status: 401,
      message: 'wrong name, password or code',
    });
    // A wrong password is the form's to say, not a session that ended.
    expect(refused).toBe(0);
    expect(server.asked[2]!.init.method).toBe('POST');
    expect(JSON.parse(String(server.asked[2]!.init.body))).toEqual({
      name: 'li',
      password: 'pw',
      totp: '123456',
    });
    expect(server.asked[0]!.init.headers).not.toHaveProperty('authorization');
  });

  it('[HC8] a 401 anywhere else sends the page back to sign-in', async () => {
    const server = fakeServer(
      { status: 401, body: { error: 'unauthorized' } },
      { status: 401, body: { error: 'unauthorized' } },
    );
    let refused = 0;
    const api = consoleApi({ token: 'old', fetch: server.fetch, onUnauthorized: () => refused++ });
    await expect(api.alerts('S001')).rejects.toBeInstanceOf(ConsoleApiError);
    expect(refused).toBe(1);
    // The RFID list takes only an admin token: a session's 401 there ends nothing.
    await expect(api.triedNotBought('2026-12-07')).rejects.toMatchObject({ status: 401 });
    expect(refused).toBe(1);
  });

  it('[HC2] an answer without the fields a screen reads is refused in words, not drawn', async () => {
    const server = fakeServer(
      { status: 200, body: { rows: 'nope' } },
      { status: 200, body: '<html>' },
      { status: 404, body: { error: 'not_found', reason: 'no such store' } },
    );
    const api = consoleApi({ token: 't', fetch: server.fetch });
    await expect(api.bopis({ from: 'a', to: 'b' })).rejects.toThrow(
      'unexpected answer from /_console/dashboard/bopis: rows is string, not array',
    );
    await expect(api.transfers({})).rejects.toThrow('unexpected answer from /_console/transfers');
    await expect(api.safetyStock('S009')).rejects.toMatchObject({
      status: 404,
      message: 'no such store',
    });
    expect(reasonOf(500, null)).toBe('HTTP 500');
    expect(() => checked('/p', [], {})).toThrow(ConsoleApiError);
  });

  it('[HC2] a server that cannot be reached is status 0, in words', async () => {
    const api = consoleApi({
      token: 't',
      fetch: () => Promise.reject(new TypeError('Failed to fetch')),
    });
    await expect(api.devices(undefined)).rejects.toMatchObject({
      status: 0,
      message: 'The server cannot be reached',
    });
  });

  it('[HC11] a CSV import is sent as text/csv; a refusal naming bad lines is an answer', async () => {
    const problems = [{ line: 3, problem: 'safety_stock is not a whole number' }];
    const server = fakeServer(
      { status: 200, body: { ok: true, rows: 2 } },
      { status: 400, body: { ok: false, problems } },
      { status: 413, body: { reason: 'too large' } },
    );
    const api = consoleApi({ token: 't', fetch: server.fetch });
    const csv = 'store,sku,safety_stock,reorder_point\r\nS001,SKU-1,2,4\r\n';
    expect(await api.importSafetyStock(csv)).toEqual({ ok: true, rows: 2 });
    expect(server.asked[0]!.init.body).toBe(csv);
    expect(server.asked[0]!.init.headers).toMatchObject({
      'content-type': 'text/csv; charset=utf-8',
    });
    expect(await api.importSafetyStock(csv)).toEqual({ ok: false, problems });
    await expect(api.importSafetyStock(csv)).rejects.toMatchObject({ status: 413 });
  });

  it('[HC8] lists and single objects are read bare or wrapped; ids are escaped in paths', async () => {
    const user = { id: 'u/1', name: 'li', role: 'analyst' };
    const transfer = { id: 'T1', status: 'cancelled', lines: [] };
    const server = fakeServer(
      { status: 200, body: [user] },
      { status: 200, body: { users: [user] } },
      { status: 200, body: { user } },
      { status: 200, body: transfer },
      { status: 200, body: { pushes: [] } },
    );
    const api = consoleApi({ token: 't', fetch: server.fetch });
    expect(await api.users()).toEqual([user]);
    expect(await api.users()).toEqual([user]);
    expect(await api.updateUser('u/1', { disabled: true })).toEqual(user);
    expect(server.asked[2]!.url).toBe('/_console/users/u%2F1');
    expect(server.asked[2]!.init.method).toBe('PATCH');
    expect(await api.cancelTransfer('T1')).toEqual(transfer);
    expect(server.asked[3]!.url).toBe('/_console/transfers/T1/cancel');
    expect(await api.labelPushes('S001')).toEqual([]);
  });

  it('[HC4] try-on conversion falls back to the RFID report on a server without the console’s', async () => {
    const report = { tryOns: 3, converted: 2, rateBp: 6667, by: {} };
    const server = fakeServer(
      { status: 404, body: { error: 'not_found' } },
      { status: 200, body: report },
    );
    const api = consoleApi({ token: 't', fetch: server.fetch });
    expect(await api.tryOns({ from: 'a', to: 'b' })).toEqual(report);
    expect(server.asked.map((a) => a.url)).toEqual([
      '/_console/dashboard/tryons?from=a&to=b',
      '/_rfid/tryons/report?from=a&to=b',
    ]);
  });
});
