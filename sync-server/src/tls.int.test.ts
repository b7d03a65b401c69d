/**
 * HTTPS: the sync server with a generated certificate, a client that trusts
 * exactly that certificate, one that trusts another, and the demo's
 * certificate files.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asPushed, cliEnv, demoSale, runCli, S001_DEVICE } from './test-support';
import { startSyncServer, type RunningSyncServer } from './start';
import {
  certificateFingerprint,
  checkTls,
  ensureDemoCertificate,
  generateCertificate,
  normaliseFingerprint,
  tlsFilesOf,
  type GeneratedCertificate,
} from './tls';

const NAMES = ['localhost', '127.0.0.1'];
const S001 = S001_DEVICE.token;

type Answer = { status: number; body: string };

/** One HTTPS request trusting only `ca`; heartbeats and all, read to the end. */
function get(
  url: string,
  ca: string,
  init: { method?: string; body?: unknown; token?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    const req = httpsRequest(
      url,
      {
        method: init.method ?? 'GET',
        ca,
        headers: {
          ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('[TX1] the sync server over HTTPS', () => {
  let cert: GeneratedCertificate;
  let other: GeneratedCertificate;
  let server: RunningSyncServer;

  beforeAll(async () => {
    [cert, other] = await Promise.all([
      generateCertificate({ names: NAMES }),
      generateCertificate({ names: NAMES }),
    ]);
    server = await startSyncServer({
      port: 0,
      dataDir: 'memory://',
      seedDemo: true,
      tls: { cert: cert.cert, key: cert.key },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('[TX1] serves the CouchDB endpoints to a client that trusts exactly its certificate', async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const info = await get(`${server.url}/stock`, cert.cert, { token: S001 });
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ db_name: 'stock', doc_count: 28 });
    const sale = demoSale(S001_DEVICE, 1, [['SKU-0001', 1]]);
    const pushed = await get(`${server.url}/saleFacts/_bulk_docs`, cert.cert, {
      method: 'POST',
      token: S001,
      body: { docs: [asPushed(sale)] },
    });
    expect(pushed.status).toBe(201);
    expect(JSON.parse(pushed.body)).toEqual([{ ok: true, id: sale.id, rev: expect.any(String) }]);
  });

  it('[TX1] a longpoll with heartbeats works over TLS', async () => {
    const answer = await get(
      `${server.url}/stock/_changes?feed=longpoll&since=now&timeout=300&heartbeat=50`,
      cert.cert,
      { token: S001 },
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ results: [], last_seq: expect.any(Number) });
  });

  it('[TX3] a client that trusts another certificate is refused, as is one that trusts none', async () => {
    expect(certificateFingerprint(other.cert)).not.toBe(cert.fingerprint);
    await expect(get(`${server.url}/stock`, other.cert, { token: S001 })).rejects.toThrow(
      /self-signed certificate|unable to verify/,
    );
    await expect(fetch(`${server.url}/`)).rejects.toThrow();
  });

  it('[TX1] plain HTTP to the HTTPS port gets no answer', async () => {
    const plainUrl = server.url.replace(/^https:/, 'http:');
    await expect(
      new Promise((resolve, reject) => {
        const req = httpRequest(`${plainUrl}/`, (res) => resolve(res.statusCode));
        req.on('error', reject);
        req.end();
      }),
    ).rejects.toThrow();
  });

  it('[TX1] closes with a longpoll open', async () => {
    const second = await startSyncServer({
      port: 0,
      dataDir: 'memory://',
      seedDemo: true,
      tls: { cert: cert.cert, key: cert.key },
    });
    const waiting = get(
      `${second.url}/stock/_changes?feed=longpoll&since=now&timeout=60000`,
      cert.cert,
      {
        token: S001,
      },
    );
    await expect
      .poll(async () => {
        const metrics = await get(`${second.url}/metrics`, cert.cert);
        return Number(/^pos_sync_changes_listeners (\d+)$/m.exec(metrics.body)?.[1] ?? 0);
      })
      .toBe(1);
    await second.close();
    expect((await waiting).status).toBe(200);
  });
});

describe('[TX2] certificate and key checks', () => {
  it('[TX2] refuses a key of another certificate, text that is not PEM, and one file without the other', async () => {
    const [a, b] = await Promise.all([
      generateCertificate({ names: NAMES }),
      generateCertificate({ names: NAMES }),
    ]);
    expect(checkTls({ cert: a.cert, key: a.key })).toBe(a.fingerprint);
    expect(() => checkTls({ cert: a.cert, key: b.key })).toThrow(
      /does not belong to the certificate/,
    );
    expect(() => checkTls({ cert: 'hello', key: a.key })).toThrow(/not a PEM certificate/);
    expect(() => checkTls({ cert: a.cert, key: 'hello' })).toThrow(/not a PEM private key/);
    expect(tlsFilesOf({}, {})).toBeNull();
    expect(tlsFilesOf({}, { TLS_CERT_FILE: 'c.pem', TLS_KEY_FILE: 'k.pem' })).toEqual({
      certFile: 'c.pem',
      keyFile: 'k.pem',
    });
    expect(() => tlsFilesOf({ certFile: 'c.pem' }, {})).toThrow(/needs both/);
    expect(normaliseFingerprint(a.fingerprint.toLowerCase().replaceAll(':', ''))).toBe(
      a.fingerprint,
    );
    expect(normaliseFingerprint('AB:CD')).toBeNull();
  });

  it('[TX2] serve refuses a mismatched key and does not start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-server-tls-'));
    try {
      const [a, b] = await Promise.all([
        generateCertificate({ names: NAMES }),
        generateCertificate({ names: NAMES }),
      ]);
      writeFileSync(join(dir, 'a.crt'), a.cert);
      writeFileSync(join(dir, 'b.key'), b.key);
      const env = {
        ...cliEnv(),
        TLS_CERT_FILE: join(dir, 'a.crt'),
        TLS_KEY_FILE: join(dir, 'b.key'),
      };
      const run = await runCli(['serve', '--port', '0', '--data-dir', 'memory://'], env);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/the key does not belong to the certificate/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('[TX4] the demo certificate', () => {
  it('[TX4] is made once in the data directory, reused, and made anew for a new name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-server-tls-'));
    try {
      const first = await ensureDemoCertificate(dir, { names: NAMES });
      expect(first.created).toBe(true);
      expect(first.fingerprint).toBe(certificateFingerprint(readFileSync(first.certFile)));
      expect(statSync(first.keyFile).mode & 0o777).toBe(0o600);
      const again = await ensureDemoCertificate(dir, { names: NAMES });
      expect(again).toMatchObject({ created: false, fingerprint: first.fingerprint });
      const renamed = await ensureDemoCertificate(dir, { names: [...NAMES, 'till.example'] });
      expect(renamed.created).toBe(true);
      expect(renamed.fingerprint).not.toBe(first.fingerprint);
      // Expiring within a day: made anew.
      const later = new Date(Date.now() + 825 * 86_400_000);
      const renewed = await ensureDemoCertificate(dir, {
        names: [...NAMES, 'till.example'],
        now: later,
      });
      expect(renewed.created).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
