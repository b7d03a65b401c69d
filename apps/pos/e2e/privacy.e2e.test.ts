/**
 * Personal information after a shift, as an auditor would check it: a till
 * sells to members online and offline (one of another store, by phone), then
 * every table of the PostgreSQL database and every IndexedDB store of the
 * till is read for the members' phone numbers and names. Then a member asks
 * to be deleted while the till is offline: once the till syncs, the member is
 * unreadable on it and on the server, and their sales remain, naming only the
 * member id.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hashToken, startSyncServer } from '@pos/sync-server';
import { startDemoStore, type DemoStore } from '../src/demo/demo-store';
import { launchChromium } from './browser';
import { createScratchDatabase, dropScratchDatabase } from './scratch-database';
import { plaintextOnTill, serverFacts, tillRecords } from './cashier-flows';
import { DEMO_MEMBER_PLAINTEXT, sellThroughOutage } from './shift-flows';

const BASE_URL = process.env.TEST_DATABASE_URL;
const ADMIN_TOKEN = `e2e-admin-${randomUUID()}`;

/** Every row of every table of the database as text, and where a needle was found in it. */
async function plaintextInDatabase(url: string, needles: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = await client.query<{ schema: string; name: string }>(
      `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
        WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`,
    );
    expect(tables.rows.map((t) => t.name)).toContain('docs');
    const found: string[] = [];
    for (const { schema, name } of tables.rows) {
      const rows = await client.query<{ row: string }>(
        `SELECT t::text AS row FROM ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)} t`,
      );
      for (const { row } of rows.rows) {
        for (const needle of needles)
          if (row.includes(needle)) found.push(`${schema}.${name}: ${needle}`);
      }
    }
    return found;
  } finally {
    await client.end();
  }
}

/** The member document as the till's replica holds it (read from IndexedDB itself). */
async function memberOnTill(page: Page, id: string): Promise<Record<string, unknown> | undefined> {
  const found = (await tillRecords(page)).find(
    ({ record }) =>
      typeof record === 'object' &&
      record !== null &&
      (record as { id?: unknown }).id === id &&
      'maskedName' in record,
  );
  return found?.record as Record<string, unknown> | undefined;
}

describe.skipIf(!BASE_URL)('personal information on the server and the till (PostgreSQL)', () => {
  let databaseUrl = '';
  let database = '';
  let store: DemoStore;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    ({ name: database, url: databaseUrl } = await createScratchDatabase(BASE_URL!, 'pos_privacy'));
    store = await startDemoStore({ syncPort: 0, databaseUrl });
    await store.syncServer.storage.replaceAdminToken(hashToken(ADMIN_TOKEN), {
      adminId: 'e2e-dpo',
    });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(store.terminalUrl!);
  });

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    if (database) await dropScratchDatabase(BASE_URL!, database);
  });

  it('sells to members on the till, of another store, online and offline', () =>
    sellThroughOutage(page, store));

  it('[PI1] holds no member phone or name in plaintext in any PostgreSQL table or on the till', async () => {
    expect(await plaintextInDatabase(databaseUrl, DEMO_MEMBER_PLAINTEXT)).toEqual([]);
    expect(await plaintextOnTill(page, DEMO_MEMBER_PLAINTEXT)).toEqual([]);
  });

  it('[PI5] erases a member deleted while the till was offline, once it syncs; their sales stay', async () => {
    const before = await memberOnTill(page, 'M0002');
    expect(before).toMatchObject({ maskedName: '李*', status: 'active' });

    // The till loses the server; HQ handles the request on another server process.
    await store.takeSyncServerDown();
    await page.getByText('Offline, selling locally').waitFor({ timeout: 30_000 });
    const hq = await startSyncServer({ port: 0, databaseUrl });
    try {
      const ask = (path: string, body?: unknown) =>
        fetch(hq.url + path, {
          method: body === undefined ? 'GET' : 'POST',
          headers: {
            authorization: `Bearer ${ADMIN_TOKEN}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const intake = await ask('/_admin/data-requests', {
        memberId: 'M0002',
        kind: 'deletion',
        channel: 'store',
      });
      expect(intake.status).toBe(201);
      const request = (await intake.json()) as { id: string; dueAt: string };
      const done = await ask(
        `/_admin/data-requests/${encodeURIComponent(request.id)}/complete`,
        {},
      );
      expect(done.status).toBe(200);
      const reveal = await ask('/_members/M0002/reveal', {
        reason: 'customer called about points',
      });
      expect([404, 410]).toContain(reveal.status);
    } finally {
      await hq.close();
    }
    // Offline, the till still holds the member as it was.
    expect(await memberOnTill(page, 'M0002')).toMatchObject({ maskedName: '李*' });

    await store.bringSyncServerUp();
    await expect
      .poll(() => memberOnTill(page, 'M0002'), { timeout: 60_000 })
      .toMatchObject({ status: 'erased', maskedName: '*', maskedPhone: '*' });
    const erased = await memberOnTill(page, 'M0002');
    expect(erased).not.toHaveProperty('phoneIndex');

    // The sales stay for tax, naming only the member id.
    const sales = await serverFacts(store, 'saleFacts');
    const hers = sales.filter((s) => s.memberId === 'M0002');
    expect(hers).toHaveLength(1);
    expect(await plaintextInDatabase(databaseUrl, DEMO_MEMBER_PLAINTEXT)).toEqual([]);
  });
});
