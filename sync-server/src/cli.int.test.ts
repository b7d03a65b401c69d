/**
 * The command line and `startSyncServer`, as the demo launcher uses them.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { authenticateChannel } from './orders/channel-tokens';
import { hashToken } from './auth';
import { seedDemo } from './demo-data';
import { DEMO_MEMBERS } from './demo-people';
import type { JsonObject } from './protocol';
import { createSyncServer } from './server';
import { startSyncServer } from './start';
import { MEMBER_PII_DB } from './pii/member-vault';
import { openPgliteStorage } from './storage/pglite';
import { openPostgresStorage } from './storage/postgres';
import {
  REAL_POSTGRES_SKIP_REASON,
  TEST_DATABASE_URL,
  cliArgs,
  cliEnv,
  runCli,
} from './test-support';

describe('startSyncServer', () => {
  it('[DM1] serves the seeded demo chain on PGlite in memory', async () => {
    const running = await startSyncServer({ port: 0, dataDir: 'memory://', seedDemo: true });
    try {
      const res = await fetch(`${running.url}/products`, {
        headers: { authorization: 'Bearer demo-s002-pos1' },
      });
      expect(await res.json()).toMatchObject({ db_name: 'products', doc_count: 28 });
      expect(running.storage.kind).toBe('pglite');
    } finally {
      await running.close();
    }
  });
});

describe('startSyncServer and members stored in plaintext', () => {
  it('[PK11] [PK2] encrypts them in the background after it listens (warning of the demo keys); lookups find them after', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-server-migrate-'));
    const dataDir = join(dir, 'pglite');
    try {
      const before = await openPgliteStorage(dataDir);
      await seedDemo(before);
      // As an earlier version stored them: name and phone in the member document.
      await before.transaction(async (tx) => {
        const stored = await tx.getDocs(
          'members',
          DEMO_MEMBERS.map((m) => m.id),
        );
        await tx.putMany(
          DEMO_MEMBERS.map((m) => ({
            db: 'members' as const,
            id: m.id,
            body: { ...m } as unknown as JsonObject,
            storeId: m.homeStoreId,
            expectedRev: stored.get(m.id)!.rev,
          })),
        );
      });
      await before.close();
      const warnings: string[] = [];
      const running = await startSyncServer({
        port: 0,
        dataDir,
        log: (level, message) => level === 'warn' && warnings.push(message),
      });
      // [PK2] No keys configured: one loud line says the demo keys are in use.
      expect(warnings).toEqual([expect.stringMatching(/PUBLISHED DEMO KEYS/)]);
      try {
        expect(await running.migrated).toEqual({ members: 3, sales: 0 });
        const found = await fetch(`${running.url}/_members/lookup?phone=13900139003`, {
          headers: { authorization: 'Bearer demo-s001-pos1' },
        });
        expect(await found.json()).toMatchObject({ id: 'M0003', maskedPhone: '139****9003' });
      } finally {
        await running.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cli serve', () => {
  it('prints its URL, keeps data in --data-dir, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-server-cli-'));
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const run = async (args: string[]) => {
      const child = spawn(
        process.execPath,
        await cliArgs(['serve', '--port', '0', '--data-dir', join(dir, 'pglite'), ...args]),
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const url = await new Promise<string>((resolve, reject) => {
        const check = setInterval(() => {
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) {
            clearInterval(check);
            resolve(match[1]);
          }
        }, 50);
        void exited.then(() => {
          clearInterval(check);
          reject(new Error(`cli exited early:\n${output}`));
        });
      });
      const info = (await (
        await fetch(`${url}/stock`, { headers: { authorization: 'Bearer demo-s001-pos1' } })
      ).json()) as { doc_count: number };
      child.kill('SIGTERM');
      return { code: await exited, output, info };
    };
    try {
      const first = await run(['--seed-demo']);
      expect(first.output).toMatch(/storage: pglite .*pglite\)/);
      expect(first.info.doc_count).toBe(28);
      expect(first.output).toMatch(/SIGTERM: stopping/);
      expect(first.code).toBe(0);
      // The data survived the restart without seeding again.
      const second = await run([]);
      expect(second.info.doc_count).toBe(28);
      expect(second.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains its usage on bad arguments', async () => {
    const child = spawn(process.execPath, await cliArgs(['serve', '--port', 'abc']), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port must be a port number, got abc/);
    expect(stderr).toMatch(/usage: sync-server serve/);
  });
});

/** The token the CLI printed: the last line of its output. */
const printedToken = (stdout: string) => stdout.trim().split('\n').at(-1)!;

describe('cli provisioning on PGlite', () => {
  it('[A5] [A6] [A8] provision-device prints a token once, list-devices and revoke-device manage it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-server-cli-'));
    const dataDir = join(dir, 'pglite');
    try {
      const seeded = await openPgliteStorage(dataDir);
      await seedDemo(seeded);
      await seeded.close();

      const provisioned = await runCli([
        'provision-device',
        '--data-dir',
        dataDir,
        '--store',
        'S001',
        '--device',
        'S001-POS2',
      ]);
      expect(provisioned.code).toBe(0);
      expect(provisioned.stdout).toMatch(/device S001-POS2 is bound to store S001/);
      const token = printedToken(provisioned.stdout);
      expect(token).toMatch(/^pos_[A-Za-z0-9_-]{43}$/);

      const admin = await runCli(['provision-admin', '--data-dir', dataDir, '--name', 'hq-tools']);
      expect(admin.code).toBe(0);
      const adminToken = printedToken(admin.stdout);

      const listed = await runCli(['list-devices', '--data-dir', dataDir]);
      expect(listed.stdout).toContain('S001\tS001-POS2');

      let storage = await openPgliteStorage(dataDir);
      expect(await storage.findDeviceToken(hashToken(token))).toEqual({
        deviceId: 'S001-POS2',
        storeId: 'S001',
      });
      expect(await storage.findAdminToken(hashToken(adminToken))).toEqual({ adminId: 'hq-tools' });
      await storage.close();

      // [OS8] A channel's token for the orders API, shown once and stored hashed.
      const channel = await runCli([
        'issue-channel-token',
        '--data-dir',
        dataDir,
        '--name',
        'shop-web',
        '--channel',
        'shop',
      ]);
      expect(channel.code).toBe(0);
      const channelToken = printedToken(channel.stdout);
      storage = await openPgliteStorage(dataDir);
      expect(await authenticateChannel(storage, `Bearer ${channelToken}`)).toEqual({
        kind: 'channel',
        name: 'shop-web',
        channel: 'shop',
      });
      await storage.close();
      const notOnline = await runCli([
        'issue-channel-token',
        '--data-dir',
        dataDir,
        '--name',
        'till',
        '--channel',
        'pos',
      ]);
      expect(notOnline.code).toBe(2);

      const revoked = await runCli([
        'revoke-device',
        '--data-dir',
        dataDir,
        '--device',
        'S001-POS2',
      ]);
      expect(revoked).toMatchObject({ code: 0 });
      expect(revoked.stdout).toMatch(/S001-POS2 revoked/);
      const again = await runCli(['revoke-device', '--data-dir', dataDir, '--device', 'S001-POS2']);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/has no token/);

      storage = await openPgliteStorage(dataDir);
      expect(await storage.findDeviceToken(hashToken(token))).toBeNull();
      await storage.close();

      const unknown = await runCli([
        'provision-device',
        '--data-dir',
        dataDir,
        '--store',
        'S404',
        '--device',
        'S404-POS1',
      ]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/store S404 does not exist/);
      const missing = await runCli(['provision-device', '--data-dir', dataDir, '--store', 'S001']);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/--device is required/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Seven CLI processes, each opening the PGlite data directory: slow on a loaded machine.
  }, 240_000);
});

describe.skipIf(!TEST_DATABASE_URL)(
  `cli provisioning on PostgreSQL${TEST_DATABASE_URL ? '' : ` — ${REAL_POSTGRES_SKIP_REASON}`}`,
  () => {
    it("[A6] revoke-device in another process answers a running server's longpoll with 401", async () => {
      const url = TEST_DATABASE_URL!;
      const schema = `sync_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
      const storage = await openPostgresStorage(url, { schema });
      const server = createSyncServer({ storage });
      const schemaUrl = new URL(url);
      schemaUrl.searchParams.set('options', `-c search_path=${schema}`);
      try {
        await seedDemo(storage);
        const serverUrl = await server.listen(0);
        const provisioned = await runCli(
          ['provision-device', '--store', 'S002', '--device', 'S002-POS7'],
          cliEnv(schemaUrl.toString()),
        );
        expect(provisioned.code).toBe(0);
        const token = printedToken(provisioned.stdout);
        const auth = { authorization: `Bearer ${token}` };
        expect((await fetch(`${serverUrl}/stock`, { headers: auth })).status).toBe(200);
        const waiting = fetch(`${serverUrl}/stock/_changes?feed=longpoll&since=now&timeout=55000`, {
          headers: auth,
        });
        const revoked = await runCli(
          ['revoke-device', '--device', 'S002-POS7'],
          cliEnv(schemaUrl.toString()),
        );
        expect(revoked.code).toBe(0);
        const answer = await waiting;
        expect(answer.status).toBe(401);
        expect((await fetch(`${serverUrl}/stock`, { headers: auth })).status).toBe(401);
      } finally {
        await server.close();
        await storage.close();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
    });
  },
);

describe('cli: members\u2019 keys', () => {
  it('[PK2] [PK7] [PK11] generate under k1, rotate to k2, encrypt-members finds nothing left; a half-set key is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-server-keys-'));
    const dataDir = join(dir, 'pglite');
    const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');
    const indexKey = `ik1:${'cd'.repeat(32)}`;
    const env = (masterKeys: string) => ({
      ...cliEnv(),
      PII_MASTER_KEYS: masterKeys,
      PII_INDEX_KEY: indexKey,
    });
    try {
      const chain = ['--stores', '1', '--skus', '1', '--members', '7', '--promotions', '0'];
      const generated = await runCli(
        ['generate-chain', ...chain, '--coupons', '0', '--data-dir', dataDir],
        env(`k1:${key(1)}`),
      );
      expect(generated.code, generated.stderr).toBe(0);
      expect(generated.stderr).not.toMatch(/DEMO KEYS/);
      const rotated = await runCli(
        ['rotate-master-key', '--data-dir', dataDir],
        env(`k2:${key(2)},k1:${key(1)}`),
      );
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(rotated.stdout).toMatch(/7 member data keys rewrapped under k2/);
      const migrated = await runCli(
        ['encrypt-members', '--data-dir', dataDir],
        env(`k2:${key(2)}`),
      );
      expect(migrated.stdout).toMatch(/0 members encrypted, 0 sales pseudonymised/);
      const half = await runCli(['encrypt-members', '--data-dir', dataDir], {
        ...cliEnv(),
        PII_MASTER_KEYS: `k2:${key(2)}`,
      });
      expect(half.code).toBe(2);
      expect(half.stderr).toMatch(/PII_MASTER_KEYS and PII_INDEX_KEY/);
      const storage = await openPgliteStorage(dataDir);
      try {
        const page = await storage.changes(MEMBER_PII_DB, { since: 0, limit: 100, scope: null });
        expect(page.rows).toHaveLength(7);
        expect(page.rows.every((row) => row.body.kekId === 'k2')).toBe(true);
      } finally {
        await storage.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Four CLI processes one after another: a loaded machine needs more than the default minute.
  }, 180_000);
});
