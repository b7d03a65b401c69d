/**
 * CSV imports into a real storage (PGlite always, PostgreSQL with
 * TEST_DATABASE_URL), and the `import` command of the CLI.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_PRIVACY_KEYS } from '../pii/keyring';
import { MEMBER_PII_DB, openPiiRow } from '../pii/member-vault';
import { verifyPin, type Staff } from '@pos/domain';
import { openPgliteStorage } from '../storage/pglite';
import type { SyncStorage } from '../storage/storage';
import { BACKENDS, runCli } from '../test-support';
import { importCsv } from './import-store';

const utf8 = (text: string) => new TextEncoder().encode(text);

const STORES =
  'id,name,address,currency,status\r\n' +
  'S001,静安店 Jing\'an,"上海市静安区南京西路 1000 号, Shanghai",CNY,open\r\n' +
  'S002,徐汇店 Xuhui,上海市徐汇区漕溪北路 200 号,CNY,\r\n';
const PRODUCTS =
  'sku,name,gtin,category,taxClass\n' +
  'SKU-1,农夫山泉 550ml,6901234567892,Beverages,VAT13\n' +
  'SKU-2,五常大米 Wuchang Rice 5kg,96385074,Grocery,VAT9\n' +
  'SKU-3,"Tee ""Classic"", M",00012345678905,Apparel,VAT13\n';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`CSV import on ${backend.name}`, () => {
    let storage: SyncStorage;
    beforeEach(async () => {
      storage = await backend.open();
    });
    afterEach(async () => {
      await storage.close();
    });

    it('[IM5] imports stores, products, prices and stock, and a second import changes nothing', async () => {
      expect(await importCsv(storage, 'stores', utf8(STORES))).toMatchObject({
        ok: true,
        created: 2,
      });
      expect(await importCsv(storage, 'products', utf8(PRODUCTS))).toMatchObject({
        ok: true,
        created: 3,
      });
      const prices =
        'priceList,sku,price,currency\nCN-LIST,SKU-1,200,CNY\nCN-LIST,SKU-2,8990,CNY\n';
      expect(await importCsv(storage, 'prices', utf8(prices))).toMatchObject({
        ok: true,
        created: 2,
      });
      const stock = 'storeId,sku,onHand\nS001,SKU-1,24\nS002,SKU-1,-2\nS002,SKU-3,7\n';
      expect(await importCsv(storage, 'stock', utf8(stock))).toMatchObject({
        ok: true,
        created: 3,
      });

      const products = await storage.getDocs('products', ['SKU-2', 'SKU-3'], null);
      expect(products.get('SKU-2')?.body).toMatchObject({ gtin: '00000096385074' });
      expect(products.get('SKU-3')?.body).toMatchObject({ name: 'Tee "Classic", M' });
      const s002 = await storage.changes('stock', { since: 0, limit: 10, scope: 'S002' });
      expect(s002.rows.map((r) => [r.id, r.body.onHand])).toEqual([
        ['S002:SKU-1', -2],
        ['S002:SKU-3', 7],
      ]);
      expect((await storage.getDocs('stores', ['S002'], null)).get('S002')?.body).toMatchObject({
        status: 'open',
      });

      const seq = (await storage.dbInfo('products', null)).updateSeq;
      expect(await importCsv(storage, 'products', utf8(PRODUCTS))).toMatchObject({
        ok: true,
        created: 0,
        updated: 0,
        unchanged: 3,
      });
      const renamed = PRODUCTS.replace('农夫山泉 550ml', '农夫山泉 550ml×24');
      expect(await importCsv(storage, 'products', utf8(renamed))).toMatchObject({
        updated: 1,
        unchanged: 2,
      });
      const feed = await storage.changes('products', { since: seq, limit: 10, scope: null });
      expect(feed.rows.map((r) => [r.id, r.rev.slice(0, 2), r.body.name])).toEqual([
        ['SKU-1', '2-', '农夫山泉 550ml×24'],
      ]);
    });

    it('[IM3] a file with an error on line 5 imports nothing and reports line 5', async () => {
      await importCsv(storage, 'stores', utf8(STORES));
      const lines = PRODUCTS.trimEnd().split('\n');
      lines.push('SKU-4,Bad price,6901234567892,Grocery,VAT15');
      const result = await importCsv(storage, 'products', utf8(lines.join('\n')));
      expect(result).toEqual({
        ok: false,
        problems: [
          {
            line: 5,
            column: 'taxClass',
            message: 'must be one of VAT13, VAT9, VAT6, VAT0, got "VAT15"',
          },
        ],
      });
      expect(await storage.dbInfo('products', null)).toEqual({ docCount: 0, updateSeq: 0 });
    });

    it('[IM3] a row naming a store or product that does not exist imports nothing', async () => {
      await importCsv(storage, 'stores', utf8(STORES));
      await importCsv(storage, 'products', utf8(PRODUCTS));
      const before = await storage.dbInfo('stock', null);
      const stock = 'storeId,sku,onHand\nS001,SKU-1,5\nS001,SKU-9,1\nS404,SKU-2,3\n';
      expect(await importCsv(storage, 'stock', utf8(stock))).toEqual({
        ok: false,
        problems: [
          { line: 3, column: 'sku', message: 'there is no product SKU-9 (import products first)' },
          { line: 4, column: 'storeId', message: 'there is no store S404 (import stores first)' },
        ],
      });
      expect(await storage.dbInfo('stock', null)).toEqual(before);
    });

    it('[IM4] reads a GB18030 file with Chinese names; as UTF-8 it names the first bad line', async () => {
      await importCsv(storage, 'stores', utf8(STORES));
      const members =
        'id,phone,name,tier,homeStoreId,points\n' +
        'M1,13800138000,王小明,gold,S001,100\n' +
        'M2,139 0000 1111,欧阳娜娜,basic,S002,\n';
      const bytes = iconv.encode(members, 'gb18030');
      expect(await importCsv(storage, 'members', bytes, 'utf-8')).toEqual({
        ok: false,
        problems: [
          {
            line: 2,
            column: null,
            message:
              'is not valid UTF-8; if the file is from a Chinese Excel, use --encoding gb18030',
          },
        ],
      });
      expect(await importCsv(storage, 'members', bytes, 'gb18030')).toMatchObject({
        ok: true,
        created: 2,
      });
      // [PK1] The names and phones are stored encrypted; the member documents are masked.
      const stored = await storage.getDocs('members', ['M1', 'M2'], null);
      expect(stored.get('M2')?.body).toMatchObject({
        maskedName: '欧*',
        maskedPhone: '139****1111',
        homeStoreId: 'S002',
      });
      const sealed = await storage.getDocs(MEMBER_PII_DB, ['M1', 'M2'], null);
      const opened = await Promise.all(
        ['M1', 'M2'].map((id) => openPiiRow(DEMO_PRIVACY_KEYS, sealed.get(id))),
      );
      expect(opened.map((data) => data?.name)).toEqual(['王小明', '欧阳娜娜']);
      expect(opened[1]?.phone).toBe('13900001111');
    });

    it('[IM5] staff imported again keep their PIN hash unless the PIN changed', async () => {
      await importCsv(storage, 'stores', utf8(STORES));
      const staff =
        'id,name,storeId,roles,pin\nE1,张伟,S001,manager,4321\nE2,Li Na,S002,cashier,8765\n';
      expect(await importCsv(storage, 'staff', utf8(staff))).toMatchObject({ created: 2 });
      expect(await importCsv(storage, 'staff', utf8(staff))).toMatchObject({
        updated: 0,
        unchanged: 2,
      });
      const changed = staff.replace('4321', '2468');
      expect(await importCsv(storage, 'staff', utf8(changed))).toMatchObject({
        updated: 1,
        unchanged: 1,
      });
      const e1 = (await storage.getDocs('staff', ['E1'], null)).get('E1')?.body as Staff;
      expect(verifyPin(e1, '2468')).toBe(true);
      expect(verifyPin(e1, '4321')).toBe(false);
    });

    it('[IM5] importing members again keeps their server-owned point balance', async () => {
      await importCsv(storage, 'stores', utf8(STORES));
      const members =
        'id,phone,name,tier,homeStoreId,points\nM1,13800138000,王小明,gold,S001,100\n';
      await importCsv(storage, 'members', utf8(members));
      const [row] = await storage.getDocs('members', ['M1'], null).then((m) => [...m.values()]);
      await storage.bulkWrite([
        {
          db: 'members',
          id: 'M1',
          body: { ...row!.body, points: 340 },
          storeId: null,
          expectedRev: row!.rev,
        },
      ]);
      const renamed = members.replace('gold', 'platinum').replace(',100', ',0');
      expect(await importCsv(storage, 'members', utf8(renamed))).toMatchObject({ updated: 1 });
      const after = (await storage.getDocs('members', ['M1'], null)).get('M1');
      expect(after?.body).toMatchObject({ tier: 'platinum', points: 340 });
    });
  });
}

describe('sync-server import (CLI)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'import-cli-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('[IM3] prints each problem with its line and exits 1; a good file exits 0', async () => {
    const dataDir = join(dir, 'pglite');
    writeFileSync(join(dir, 'stores.csv'), iconv.encode(STORES, 'gb18030'));
    const good = await runCli([
      'import',
      'stores',
      join(dir, 'stores.csv'),
      '--encoding',
      'gb18030',
      '--data-dir',
      dataDir,
    ]);
    expect(good.stderr).toBe('');
    expect(good.stdout).toMatch(
      /imported 2 stores from .*stores\.csv in [\d.]+ s: 2 created, 0 updated, 0 unchanged/,
    );
    expect(good.code).toBe(0);

    const prices = 'priceList,sku,price,currency\nCN-LIST,SKU-1,2.00,CNY\nCN-LIST,SKU-2,x,CNY\n';
    writeFileSync(join(dir, 'prices.csv'), prices);
    const bad = await runCli(['import', 'prices', join(dir, 'prices.csv'), '--data-dir', dataDir]);
    expect(bad.stderr.trim().split('\n')).toEqual([
      `${join(dir, 'prices.csv')}: 2 problem(s); nothing was imported`,
      'line 2, column price: must be a whole number of fen, got "2.00"',
      'line 3, column price: must be a whole number of fen, got "x"',
    ]);
    expect(bad.code).toBe(1);

    const usage = await runCli([
      'import',
      'coupons',
      join(dir, 'prices.csv'),
      '--data-dir',
      dataDir,
    ]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/import: name a kind \(stores, products, .*\), got coupons/);

    const storage = await openPgliteStorage(dataDir);
    try {
      expect((await storage.dbInfo('stores', null)).docCount).toBe(2);
      expect((await storage.dbInfo('prices', null)).docCount).toBe(0);
    } finally {
      await storage.close();
    }
  });
});
