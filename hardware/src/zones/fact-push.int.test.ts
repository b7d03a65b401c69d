/**
 * [FR3] The push over real HTTPS to a server with a self-signed certificate,
 * pinned by its SHA-256 fingerprint as the tills pin the sync server's.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TryOnFact } from '@pos/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTryOnFacts } from './fact-push';

const FACT: TryOnFact = {
  id: 'S001-FIT1-01JDEMO0000000000000000001',
  storeId: 'S001',
  deviceId: 'S001-FIT1',
  epc: '3034257BF7194E4000001A85',
  room: 'FR1',
  openedAt: '2026-12-07T02:00:00.000Z',
  closedAt: '2026-12-07T02:01:30.000Z',
  durationMs: 90_000,
  tryOn: true,
  closedBy: 'left-room',
};

describe('pushing facts to an HTTPS sync server with a pinned certificate', () => {
  let dir: string;
  let server: Server;
  let url: string;
  let fingerprint: string;
  const received: { headers: Record<string, unknown>; body: string }[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pos-fact-push-'));
    const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=sync.test',
      ],
      { stdio: 'ignore' },
    );
    fingerprint = new X509Certificate(readFileSync(cert)).fingerprint256;
    server = createServer({ cert: readFileSync(cert), key: readFileSync(key) }, (req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        const { docs } = JSON.parse(body) as { docs: { _id: string }[] };
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify(docs.map((d) => ({ ok: true, id: d._id, rev: '1-a' }))));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('[FR3] trusts the pinned certificate (whatever names it carries) and pushes', async () => {
    const result = await pushTryOnFacts(
      { url, token: 'demo-s001-fit1', certFingerprint: fingerprint },
      [FACT],
    );
    expect(result).toEqual({ ok: true, accepted: [FACT.id], refused: [], retry: [] });
    expect(received.at(-1)!.headers.authorization).toBe('Bearer demo-s001-fit1');
    const { id, ...body } = FACT;
    expect(JSON.parse(received.at(-1)!.body)).toEqual({
      docs: [{ _id: id, ...body, kind: 'tryOn' }],
    });
  });

  it('[FR3] refuses another certificate, sending nothing; without a pin the system decides', async () => {
    const before = received.length;
    const wrong = await pushTryOnFacts(
      { url, token: 'demo-s001-fit1', certFingerprint: 'AB'.repeat(32) },
      [FACT],
    );
    expect(wrong).toMatchObject({
      ok: false,
      message: expect.stringMatching(/certificate \(SHA-256 .*\) is not the pinned one/),
    });
    const unpinned = await pushTryOnFacts({ url, token: 'demo-s001-fit1' }, [FACT]);
    expect(unpinned).toMatchObject({
      ok: false,
      message: expect.stringMatching(/cannot reach the sync server/),
    });
    expect(received.length).toBe(before);
  });
});
