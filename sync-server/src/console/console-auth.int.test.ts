/**
 * Console users on each storage backend: sign-in, lockout, TOTP, session
 * expiry (injected clock), user management and the last-admin guard; row-
 * level security in the database ([UC8]-[UC11]) and over the API ("a store
 * manager cannot see another store by any route"); fuzzed bodies.
 */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  base32Decode,
  type CollectionName,
  totpCode,
  type ConsoleUserView,
  type SessionAnswer,
  type SignInAnswer,
  type TotpSetupAnswer,
} from '@pos/domain';
import { provisionAdminToken } from '../auth';
import { seedDemo } from '../demo-data';
import { createSyncServer, type SyncServer } from '../server';
import type { SyncStorage } from '../storage/storage';
import { BACKENDS, S001_DEVICE, requestAs } from '../test-support';
import { expectNoOtherStore } from './console-test-support';
import { CONSOLE_USERS_SCHEMA } from './schema';
import { WRONG_CREDENTIALS, authenticateConsole, scopedReader } from './sessions';
import { DEMO_CONSOLE_USERS, addConsoleUserCommand, seedConsoleUsers } from './users';

const T0 = new Date('2026-01-02T03:04:05Z');
const MINUTE = 60_000;
const password = (name: string) => DEMO_CONSOLE_USERS.find((u) => u.name === name)!.password;
const sha1 = (key: Uint8Array, message: Uint8Array) =>
  createHmac('sha1', key).update(message).digest();

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`console users and row-level security on ${backend.name}`, () => {
    let storage: SyncStorage;
    let server: SyncServer;
    let url: string;
    let admin: string;
    let clock = T0;

    beforeAll(async () => {
      storage = await backend.open();
      await seedDemo(storage);
      await seedConsoleUsers(storage, T0);
      // A feature table made by another feature before this one's policies: a
      // rerun of the schema (as at the next start) covers it too.
      await storage.sqlTransaction(async (q) => {
        await q.query(`CREATE TABLE IF NOT EXISTS test_rollup (store_id text, units integer)`);
        await q.query(`INSERT INTO test_rollup VALUES ('S001', 3), ('S002', 5), (NULL, 8)`);
        await q.query(`CREATE TABLE IF NOT EXISTS test_settings (k text, v text)`);
        // A chain-wide table every reader reads whole (the rollups' checkpoint).
        await q.query(`CREATE TABLE IF NOT EXISTS rollup_checkpoint (name text)`);
        for (const statement of CONSOLE_USERS_SCHEMA) await q.query(statement);
      });
      // Transfers are stored under the receiver; the sender sees them too.
      await storage.transaction(async (tx) => {
        for (const [id, from, to] of [
          ['TR-1', 'S001', 'S002'],
          ['TR-2', 'S003', 'S002'],
        ] as const) {
          const body = { id, kind: 'transfer', from, to, status: 'draft' };
          await tx.put({
            db: '_transfers' as CollectionName,
            id,
            body,
            storeId: to,
            expectedRev: null,
          });
        }
      });
      admin = (await provisionAdminToken(storage, 'hq-tools')).token;
      server = createSyncServer({
        storage,
        now: () => clock,
        log: () => {},
        rateLimit: false,
        holdSweeper: false,
      });
      url = await server.listen(0, '127.0.0.1');
    });
    afterAll(async () => {
      await server.close();
      await storage.close();
    });

    const call = (token: string | null, path: string, init?: Parameters<typeof requestAs>[3]) =>
      requestAs(url, token, path, init);
    async function signIn(name: string, pass = password(name), totp?: string) {
      const res = await call(null, '/_console/session', {
        body: { name, password: pass, ...(totp ? { totp } : {}) },
      });
      return { status: res.status, body: res.body as SignInAnswer & { reason?: string } };
    }
    async function tokenOf(name: string): Promise<string> {
      const res = await signIn(name);
      expect(res.status).toBe(201);
      return (res.body as Extract<SignInAnswer, { ok: true }>).token;
    }

    it('[UC2] [UC4] signs in, says who and which stores, signs out; any wrong credential reads the same', async () => {
      clock = T0;
      const ok = await signIn('s001');
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({
        ok: true,
        expiresAt: '2026-01-02T15:04:05.000Z',
        user: { name: 's001', role: 'store-manager', stores: ['S001'], totpEnabled: false },
        permissions: ['dashboards:read', 'exceptions:resolve', 'inventory:edit', 'labels:edit'],
      });
      expect(JSON.stringify(ok.body)).not.toMatch(/scrypt|password/);
      const token = (ok.body as Extract<SignInAnswer, { ok: true }>).token;
      const who = await call(token, '/_console/session');
      expect(who.status).toBe(200);
      expect((who.body as SessionAnswer).stores.map((s) => s.id)).toEqual(['S001']);
      const east = await call(await tokenOf('east'), '/_console/session');
      expect((east.body as SessionAnswer).stores.map((s) => s.id)).toEqual(['S001', 'S002']);

      const wrongPassword = await signIn('s001', 'not-the-password');
      const unknownName = await signIn('nobody', 'not-the-password');
      expect(wrongPassword.status).toBe(401);
      expect(unknownName.status).toBe(401);
      expect(wrongPassword.body.reason).toBe(WRONG_CREDENTIALS);
      expect(unknownName.body).toEqual(wrongPassword.body);

      expect((await call(token, '/_console/session', { method: 'DELETE' })).status).toBe(200);
      expect((await call(token, '/_console/session')).status).toBe(401);
      expect((await call(token, '/_console/users')).status).toBe(401);
    });

    it('[UA9] five failures lock the account for 15 minutes, whatever the password, then it opens', async () => {
      clock = new Date(T0.getTime() + 60 * MINUTE);
      for (let i = 0; i < 5; i++)
        expect((await signIn('s002', 'wrong-password-1')).status).toBe(401);
      const locked = await signIn('s002');
      expect(locked.status).toBe(401);
      expect(locked.body.reason).toBe(WRONG_CREDENTIALS);
      clock = new Date(clock.getTime() + 15 * MINUTE);
      expect((await signIn('s002')).status).toBe(201);
    });

    it('[UA10] a session ends 12 hours after sign-in', async () => {
      clock = T0;
      const token = await tokenOf('analyst');
      clock = new Date(T0.getTime() + 12 * 60 * MINUTE - 1);
      expect((await call(token, '/_console/session')).status).toBe(200);
      clock = new Date(T0.getTime() + 12 * 60 * MINUTE);
      expect((await call(token, '/_console/session')).status).toBe(401);
    });

    it('[UC5] [UC6] [UA12] TOTP: set up, confirmed by a code, then asked at every sign-in', async () => {
      clock = T0;
      const token = await tokenOf('east');
      const setup = await call(token, '/_console/session/totp', { method: 'POST' });
      expect(setup.status).toBe(200);
      const { secret, otpauthUrl } = setup.body as TotpSetupAnswer;
      expect(otpauthUrl).toContain(`secret=${secret}`);
      const [stored] = await storage.reportQuery<{ totp_pending: string }>(
        `SELECT totp_pending FROM console_users WHERE name = 'east'`,
        [],
      );
      expect(stored!.totp_pending).not.toContain(secret); // wrapped, not the secret
      const key = base32Decode(secret)!;
      const code = (at: Date) => totpCode(sha1, key, at.getTime());
      const wrongCode = code(new Date(T0.getTime() + 10 * MINUTE));
      const refused = await call(token, '/_console/session/totp/confirm', {
        body: { code: wrongCode },
      });
      expect(refused.status).toBe(400);
      const confirmed = await call(token, '/_console/session/totp/confirm', {
        body: { code: code(T0) },
      });
      expect(confirmed.status).toBe(200);
      expect((confirmed.body as { user: ConsoleUserView }).user.totpEnabled).toBe(true);

      expect(await signIn('east')).toEqual({
        status: 200,
        body: { ok: false, totpRequired: true },
      });
      const bad = await signIn('east', password('east'), wrongCode);
      expect(bad).toMatchObject({ status: 401, body: { reason: WRONG_CREDENTIALS } });
      clock = new Date(T0.getTime() + 30_000);
      expect((await signIn('east', password('east'), code(T0))).status).toBe(201); // one step late
    });

    it('[UC12] [UC13] [UC14] users: HQ admins manage them; a new password ends the sessions; the last admin stays', async () => {
      clock = T0;
      const hq = await tokenOf('hq');
      const manager = await tokenOf('s001');
      expect((await call(manager, '/_console/users')).status).toBe(403);
      expect((await call(admin, '/_console/users')).status).toBe(200); // an HQ admin token, for tools

      const created = await call(hq, '/_console/users', {
        body: {
          name: 'S003.Lead',
          displayName: 'Lead',
          role: 'store-manager',
          stores: ['S001'],
          password: 'a long enough one',
        },
      });
      expect(created.status).toBe(201);
      const user = created.body as ConsoleUserView;
      expect(user).toMatchObject({ name: 's003.lead', stores: ['S001'], disabled: false });
      const again = await call(hq, '/_console/users', {
        body: {
          ...{ name: 's003.lead', displayName: 'x', role: 'analyst', stores: 'all' },
          password: 'another long one',
        },
      });
      expect(again.status).toBe(409);
      const weak = await call(hq, '/_console/users', {
        body: { name: 'weak', displayName: 'W', role: 'analyst', stores: 'all', password: 'weak' },
      });
      expect(weak.status).toBe(400);
      expect((weak.body as { reason: string }).reason).toMatch(/at least 10 characters/);
      const noStore = await call(hq, '/_console/users', {
        body: {
          name: 'nostore',
          displayName: 'N',
          role: 'store-manager',
          stores: ['S999'],
          password: 'a long enough one',
        },
      });
      expect(noStore.status).toBe(400);
      expect((noStore.body as { reason: string }).reason).toMatch(/S999 does not exist/);
      const list = (await call(hq, '/_console/users')).body as { users: ConsoleUserView[] };
      expect(list.users.map((u) => u.name)).toContain('s003.lead');
      expect(JSON.stringify(list)).not.toMatch(/scrypt/);

      const lead = await signIn('s003.lead', 'a long enough one');
      expect(lead.status).toBe(201);
      const leadSession = (lead.body as Extract<SignInAnswer, { ok: true }>).token;
      const changed = await call(hq, `/_console/users/${user.id}`, {
        method: 'PATCH',
        body: {
          password: 'a brand new password',
          stores: ['S001', 'S002'],
          role: 'regional-manager',
        },
      });
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject({ role: 'regional-manager', stores: ['S001', 'S002'] });
      expect((await call(leadSession, '/_console/session')).status).toBe(401);
      expect((await signIn('s003.lead', 'a brand new password')).status).toBe(201);

      const [hqUser] = list.users.filter((u) => u.name === 'hq');
      const lastAdmin = await call(hq, `/_console/users/${hqUser!.id}`, {
        method: 'PATCH',
        body: { disabled: true },
      });
      expect(lastAdmin.status).toBe(409);
      expect((lastAdmin.body as { reason: string }).reason).toMatch(/last enabled HQ admin/);
      const demoted = await call(hq, `/_console/users/${hqUser!.id}`, {
        method: 'PATCH',
        body: { role: 'analyst' },
      });
      expect(demoted.status).toBe(409);
      const disabled = await call(hq, `/_console/users/${user.id}`, {
        method: 'PATCH',
        body: { disabled: true },
      });
      expect(disabled.status).toBe(200);
      expect((await signIn('s003.lead', 'a brand new password')).status).toBe(401);
      expect(
        (await call(hq, '/_console/users/nobody', { method: 'PATCH', body: { disabled: true } }))
          .status,
      ).toBe(404);
    });

    it('[UC8] [UC9] [UC10] [UC11] the database shows a store manager only their store, the chain and nothing personal', async () => {
      clock = T0;
      const session = (await authenticateConsole(storage, `Bearer ${await tokenOf('s001')}`, T0))!;
      expect(session.stores).toEqual(['S001']);
      const seen = await scopedReader(storage, session, async (q) => {
        const count = async (sql: string) => Number((await q.query<{ n: string }>(sql))[0]!.n);
        const [state] = await q.query<{ who: string; ro: string }>(
          `SELECT current_user AS who, current_setting('transaction_read_only') AS ro`,
        );
        expect(state).toEqual({ who: 'pos_console', ro: 'on' });
        const result = {
          s002: await count(
            `SELECT count(*) AS n FROM docs WHERE store_id = 'S002' AND db <> '_transfers'`,
          ),
          s001: await count(
            `SELECT count(*) AS n FROM docs WHERE db = 'stock' AND store_id = 'S001'`,
          ),
          stores: await count(`SELECT count(*) AS n FROM docs WHERE db = 'stores'`),
          members: await count(`SELECT count(*) AS n FROM docs WHERE db = 'members'`),
          staff: await count(`SELECT count(*) AS n FROM docs WHERE db = 'staff'`),
          transfers: await q.query<{ id: string }>(
            `SELECT id FROM docs WHERE db = '_transfers' ORDER BY id`,
          ),
          checkpoint: await count(`SELECT count(*) AS n FROM rollup_checkpoint`),
          rollup: await q.query<{ store_id: string | null }>(
            `SELECT store_id FROM test_rollup ORDER BY 1`,
          ),
        };
        // A forged setting changes nothing: the policies never read it.
        await q.query(`SET pos.console_stores = '*'`);
        result.s002 += await count(
          `SELECT count(*) AS n FROM docs WHERE store_id = 'S002' AND db <> '_transfers'`,
        );
        return result;
      });
      expect(seen.s002).toBe(0);
      expect(seen.s001).toBeGreaterThan(0);
      expect(seen.stores).toBeGreaterThanOrEqual(2);
      expect(seen.members).toBe(0);
      expect(seen.staff).toBeGreaterThan(0);
      expect(seen.transfers).toEqual([{ id: 'TR-1' }]);
      expect(seen.checkpoint).toBeGreaterThanOrEqual(0);
      expect(seen.rollup).toEqual([{ store_id: 'S001' }]);

      // The server's own reads see everything (the owner bypasses the policies).
      const all = await storage.reportQuery<{ n: string }>(
        `SELECT count(*) AS n FROM docs WHERE store_id = 'S002'`,
        [],
      );
      expect(Number(all[0]!.n)).toBeGreaterThan(0);
      // No policy on the server's own path (its writes and reads): the plan
      // of its statements has no scope filter; the console reader's has.
      const plan = async (rows: Promise<Record<string, string>[]>) =>
        (await rows).map((r) => Object.values(r).join(' ')).join('\n');
      const sql = `EXPLAIN (VERBOSE) UPDATE docs SET rev = rev WHERE db = 'stock' AND id = 'S001:1'`;
      expect(await plan(storage.reportQuery(sql, []))).not.toMatch(/pos_console_scope/);
      const scopedPlan = await scopedReader(storage, session, (q) =>
        plan(q.query(`EXPLAIN (VERBOSE) SELECT id FROM docs WHERE db = 'stock'`)),
      );
      expect(scopedPlan).toMatch(/pos_console_scope/);

      const refusals = await Promise.all(
        [
          `UPDATE docs SET rev = rev WHERE store_id = 'S001'`,
          `INSERT INTO test_rollup VALUES ('S001', 1)`,
          `SELECT * FROM console_users`,
          `SELECT * FROM console_read_grants`,
          `SELECT * FROM device_tokens`,
          `SELECT * FROM test_settings`,
          `SELECT set_config('pos.console_grant', 'forged', true)`,
          `RESET ROLE`,
          `SET LOCAL ROLE postgres`,
        ].map((sql) =>
          scopedReader(storage, session, (q) => q.query(sql)).then(
            () => `${sql}: allowed`,
            (error: Error) => `${sql}: ${error.message}`,
          ),
        ),
      );
      for (const refusal of refusals) expect(refusal).not.toMatch(/: allowed$/);
      expect(refusals[0]).toMatch(/read-only|permission denied/);

      // An analyst sees every store, but still no member.
      const analyst = (await authenticateConsole(
        storage,
        `Bearer ${await tokenOf('analyst')}`,
        T0,
      ))!;
      const wide = await scopedReader(storage, analyst, async (q) => ({
        stores: await q.query<{ store_id: string }>(
          `SELECT DISTINCT store_id FROM docs WHERE db = 'stock' ORDER BY 1`,
        ),
        members: await q.query(`SELECT id FROM docs WHERE db = 'members'`),
        rollup: await q.query(`SELECT store_id FROM test_rollup`),
      }));
      expect(wide.stores.map((r) => r.store_id)).toEqual(expect.arrayContaining(['S001', 'S002']));
      expect(wide.members).toEqual([]);
      expect(wide.rollup).toHaveLength(3);
      // Nothing of a read is left behind.
      const grants = await storage.reportQuery(`SELECT * FROM console_read_grants`, []);
      expect(grants).toEqual([]);
    });

    it('[UA3] [UC7] over the API a store manager gets 404 for another store and 401 on device and admin routes', async () => {
      clock = T0;
      const token = await tokenOf('s001');
      await expectNoOtherStore(url, token, 'S002');
      for (const path of [
        '/saleFacts/_changes',
        '/stock/_changes?since=0',
        '/members/_all_docs',
        '/_exceptions',
        '/_rfid/items?store=S002',
        '/_transfers',
        '/_esl/work',
      ]) {
        const res = await call(token, path);
        expect.soft(res.status, path).toBe(401);
      }
      // And a device token opens no console route.
      expect((await call(S001_DEVICE.token, '/_console/session')).status).toBe(401);
      expect((await call(S001_DEVICE.token, '/_console/users')).status).toBe(401);
    });

    it('[UC1] add-console-user creates a user from the command line, refusing with the reason', async () => {
      const line = await addConsoleUserCommand(
        storage,
        { name: 'north', role: 'regional-manager', stores: 'S001,S002', displayName: 'North' },
        'a long enough one',
        T0,
      );
      expect(line).toMatch(/^console user north \(regional-manager, S001, S002\) added with id /);
      await expect(
        addConsoleUserCommand(
          storage,
          { name: 'south', role: 'store-manager', stores: undefined, displayName: undefined },
          'south region pass',
          T0,
        ),
      ).rejects.toThrow(/at least one store/);
    });

    it('[UC2] [UC12] [UC13] fuzzed bodies get an answer or a clear 4xx, never a 500, and an HQ admin remains', async () => {
      clock = T0;
      const hq = await tokenOf('hq');
      const before = await storage.reportQuery(
        `SELECT id, name, role, disabled FROM console_users ORDER BY id`,
        [],
      );
      const body = fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            name: fc.oneof(fc.string(), fc.constantFrom('hq', 's001'), fc.integer()),
            password: fc.oneof(fc.string(), fc.constant(password('s001')), fc.constant(null)),
            totp: fc.oneof(fc.string(), fc.integer()),
            displayName: fc.oneof(fc.string(), fc.constant(7)),
            role: fc.oneof(fc.string(), fc.constantFrom('hq-admin', 'store-manager', 7)),
            stores: fc.oneof(fc.constant('all'), fc.array(fc.string()), fc.jsonValue()),
            disabled: fc.oneof(fc.boolean(), fc.string()),
          },
          { requiredKeys: [] },
        ),
      );
      const target = (before as { id: string; name: string }[]).find((u) => u.name === 's002')!.id;
      await fc.assert(
        fc.asyncProperty(body, fc.constantFrom(0, 1, 2), async (value, route) => {
          const [path, method, token] = [
            ['/_console/session', 'POST', null],
            ['/_console/users', 'POST', hq],
            [`/_console/users/${target}`, 'PATCH', hq],
          ][route] as [string, string, string | null];
          // A valid-looking create or patch may succeed; what matters is never a 500.
          const res = await call(token, path, { method, body: JSON.stringify(value) });
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) {
            expect(res.body).toMatchObject({
              error: expect.any(String),
              reason: expect.any(String),
            });
          }
        }),
        { numRuns: 40 },
      );
      // Raw garbage too.
      for (const raw of ['{', 'null', '[]', '"x"', '{"name":"hq","password":{}}']) {
        const res = await call(null, '/_console/session', { method: 'POST', body: raw });
        expect(res.status).toBe(400);
      }
      const admins = await storage.reportQuery<{ n: string }>(
        `SELECT count(*) AS n FROM console_users WHERE role = 'hq-admin' AND NOT disabled`,
        [],
      );
      expect(Number(admins[0]!.n)).toBeGreaterThanOrEqual(1);
    });
  });
}
