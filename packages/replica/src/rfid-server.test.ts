import { describe, expect, it } from 'vitest';
import { SYNC_PROTOCOL_VERSION, type CountRequest } from '@pos/domain';
import { createHttpRfidServer } from './rfid-server';

type Call = { url: string; init: RequestInit };
function fakeFetch(answer: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch = (async (url: string, init: RequestInit) => {
    const call = { url, init };
    calls.push(call);
    return answer(call);
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

const COUNT: CountRequest = {
  countId: 'S001-TAB1-01JCOUNT',
  scope: { kind: 'skus-read', zone: 'FLOOR' },
  epcs: ['3035A537C837754000000001'],
  countedAt: '2026-03-01T10:00:00.000Z',
  staffId: 'S001-E03',
};

describe('[FM1] the /_rfid/ routes over HTTP', () => {
  it('a count goes with the device token, the sync versions and its id as Idempotency-Key', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, { countId: COUNT.countId }));
    const server = createHttpRfidServer({ baseUrl: 'http://sync.test/', token: 'tok', fetch });
    expect(await server.submitCount(COUNT)).toEqual({
      ok: true,
      value: { countId: COUNT.countId },
    });
    const call = calls[0]!;
    expect(`${call.init.method} ${call.url}`).toBe('POST http://sync.test/_rfid/counts');
    const headers = call.init.headers as Record<string, string>;
    expect(headers.Authorization).toBe('Bearer tok');
    expect(headers['Idempotency-Key']).toBe(COUNT.countId);
    expect(headers['x-pos-protocol']).toBe(String(SYNC_PROTOCOL_VERSION));
    expect(JSON.parse(call.init.body as string)).toEqual(COUNT);
  });

  it('builds each route’s path and query', async () => {
    const { fetch, calls } = fakeFetch(() => json(200, {}));
    const server = createHttpRfidServer({ baseUrl: 'http://sync.test', token: 't', fetch });
    await server.memberTryOns('M0001');
    await server.memberTryOns('M 1', '2026-03-01T00:00:00.000Z');
    await server.suggestions({ skus: ['TEE-01-WH-S', 'TEE-01-BK-M'] });
    await server.suggestions({ member: 'M0001' });
    await server.approveCount('C/1', { approverId: 'S001-E02', at: 'n' });
    expect(calls.map((c) => `${c.init.method} ${c.url.replace('http://sync.test', '')}`)).toEqual([
      'GET /_rfid/tryons?member=M0001',
      'GET /_rfid/tryons?member=M+1&since=2026-03-01T00%3A00%3A00.000Z',
      'GET /_rfid/suggestions?skus=TEE-01-WH-S%2CTEE-01-BK-M',
      'GET /_rfid/suggestions?member=M0001',
      'POST /_rfid/counts/C%2F1/approve',
    ]);
    expect(JSON.parse(calls[4]!.init.body as string)).toEqual({ approverId: 'S001-E02', at: 'n' });
  });

  it('a refusal carries status, code and reason; no answer is offline', async () => {
    const refused = createHttpRfidServer({
      baseUrl: 'http://sync.test',
      token: 't',
      fetch: fakeFetch(() => json(400, { error: 'bad_request', reason: 'malformed EPC' })).fetch,
    });
    expect(await refused.submitCount(COUNT)).toEqual({
      ok: false,
      offline: false,
      status: 400,
      code: 'BAD_REQUEST',
      reason: 'malformed EPC',
    });
    const down = createHttpRfidServer({
      baseUrl: 'http://sync.test',
      token: 't',
      fetch: fakeFetch(() => Promise.reject(new TypeError('fetch failed'))).fetch,
    });
    expect(await down.memberTryOns('M0001')).toMatchObject({ ok: false, offline: true });
    const garbled = createHttpRfidServer({
      baseUrl: 'http://sync.test',
      token: 't',
      fetch: fakeFetch(() => new Response('{"countId"', { status: 200 })).fetch,
    });
    expect(await garbled.submitCount(COUNT)).toMatchObject({ ok: false, offline: true });
  });
});
