import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateDocument, verifyPin, type Staff } from '@pos/domain';
import {
  formatProblem,
  importColumns,
  IMPORT_KINDS,
  readImport,
  type ParsedImport,
} from './csv-import';

function docsOf(result: ParsedImport) {
  if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
  return result.rows.map((row) => row.doc);
}

function problemsOf(result: ParsedImport): string[] {
  if (result.ok) throw new Error('expected problems');
  return result.problems.map(formatProblem);
}

describe('readImport', () => {
  it('[IM2] reads products in any column order, normalising GTINs and filling defaults', () => {
    const csv =
      '\uFEFFname,sku,gtin,category,taxClass,brand\r\n' +
      '"农夫山泉 550ml, 24瓶",SKU-1,6901234567892,Beverages,VAT13,农夫山泉\r\n' +
      'Plain Tee,SKU-2,  00012345678905 ,Apparel,VAT13,\r\n';
    const result = readImport('products', csv);
    expect(result).toMatchObject({ ok: true, db: 'products' });
    expect(docsOf(result)).toEqual([
      {
        id: 'SKU-1',
        name: '农夫山泉 550ml, 24瓶',
        gtin: '06901234567892',
        category: 'Beverages',
        brand: '农夫山泉',
        taxClass: 'VAT13',
        status: 'active',
      },
      {
        id: 'SKU-2',
        name: 'Plain Tee',
        gtin: '00012345678905',
        category: 'Apparel',
        taxClass: 'VAT13',
        status: 'active',
      },
    ]);
  });

  it('[IM3] reports every bad value with its line and column, and keeps nothing', () => {
    const csv = [
      'priceList,sku,price,currency',
      'CN-LIST,SKU-1,200,CNY',
      'CN-LIST,SKU-2,12.50,CNY',
      '',
      'CN-LIST,SKU-3,,CNY',
      'CN-LIST,SKU-4,990,cny',
      'CN-LIST,SKU-1,300,CNY',
      'CN-LIST,SKU-5,-1,CNY',
      'CN-LIST,SKU-6,1',
    ].join('\n');
    expect(problemsOf(readImport('prices', csv))).toEqual([
      'line 3, column price: must be a whole number of fen, got "12.50"',
      'line 5, column price: is empty; a value is required',
      'line 6, column currency: must match ^[A-Z]{3}$',
      'line 7, column sku: CN-LIST:SKU-1 is already on line 2',
      'line 8, column price: must be at least 0, got -1',
      'line 9: has 3 fields; the header has 4',
    ]);
  });

  it('[IM3] names problems of the header and of the CSV itself', () => {
    expect(problemsOf(readImport('stores', 'id,name,adress,currency\n'))).toEqual([
      'line 1, column adress: is not a column of stores (the columns are id, name, address, currency, status)',
      'line 1, column address: is missing from the header',
    ]);
    expect(problemsOf(readImport('stores', ''))).toEqual(['line 1: the file is empty']);
    expect(problemsOf(readImport('stores', 'id,name,address,currency\nS1,"Open,x,CNY\n'))).toEqual([
      'line 2: a quoted field is not closed',
    ]);
    expect(
      problemsOf(
        readImport('products', 'sku,name,gtin,category,taxClass\nA,B,6901234567891,C,VAT13'),
      ),
    ).toEqual([
      'line 2, column gtin: "6901234567891" has a wrong check digit (expected 2); scan again or type it carefully',
    ]);
  });

  it('[IM2] reads members with a normalised mobile number, home store and opening points', () => {
    const csv =
      'id,phone,name,tier,homeStoreId,points\nM1,+86 138-0013-8000,王小明,gold,S001,120\nM2,13900001111,Li Na,basic,S002,\n';
    const docs = docsOf(readImport('members', csv));
    expect(docs).toEqual([
      {
        id: 'M1',
        phone: '13800138000',
        name: '王小明',
        tier: 'gold',
        homeStoreId: 'S001',
        points: 120,
        status: 'active',
      },
      {
        id: 'M2',
        phone: '13900001111',
        name: 'Li Na',
        tier: 'basic',
        homeStoreId: 'S002',
        points: 0,
        status: 'active',
      },
    ]);
    expect(problemsOf(readImport('members', csv.replace('13900001111', '1234')))).toEqual([
      'line 3, column phone: "1234" is not a mobile number (11 digits starting with 1)',
    ]);
  });

  it('[IM2] stores a staff PIN only as its salted hash', () => {
    const csv = 'id,name,storeId,roles,pin\nE1,张伟,S001,cashier;supervisor,4321\n';
    const [doc] = docsOf(readImport('staff', csv, { pinSalt: () => 'ab'.repeat(16) }));
    expect(doc).toMatchObject({
      id: 'E1',
      roles: ['cashier', 'supervisor'],
      pinSalt: 'ab'.repeat(16),
    });
    expect(JSON.stringify(doc)).not.toContain('4321');
    expect(verifyPin(doc as Staff, '4321')).toBe(true);
    expect(problemsOf(readImport('staff', csv.replace('4321', '12')))).toEqual([
      'line 2, column pin: must be 4 to 6 digits',
    ]);
    expect(problemsOf(readImport('staff', csv.replace('cashier;', 'boss;')))).toEqual([
      'line 2, column roles: must be one of cashier, supervisor, manager',
    ]);
  });

  it('[IM2] builds promotions with their rule, target and window, validated by the domain', () => {
    const csv = [
      'id,name,kind,priority,bp,tiers,repeat,categories,stores,channels,from,to,weekdays,hours',
      'P1,饮料九折 10% off drinks,percent-off,10,1000,,,Beverages,S001;S002,store,2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,1;2;3,9-12',
      'P2,满100减10,spend-threshold,,,10000:1000;20000:2500,false,,,,,,,',
      'P3,No bp,percent-off,,,,,,,,,,,',
    ].join('\r\n');
    expect(problemsOf(readImport('promotions', csv))).toEqual([
      'line 4, column bp: is required for a percent-off promotion',
    ]);
    // A rule of the domain's promotion validator, about the row as a whole.
    const bundle = 'id,name,kind,quantity,price\nP9,Bundle of one,bundle,1,500\n';
    expect(problemsOf(readImport('promotions', bundle))).toEqual([
      'line 2: a bundle needs at least 2 units',
    ]);
    const docs = docsOf(readImport('promotions', csv.split('\r\n').slice(0, 3).join('\r\n')));
    expect(docs).toEqual([
      {
        id: 'P1',
        name: '饮料九折 10% off drinks',
        status: 'active',
        priority: 10,
        target: { categories: ['Beverages'] },
        rule: { kind: 'percent-off', bp: 1000 },
        stores: ['S001', 'S002'],
        channels: ['store'],
        window: {
          from: '2026-01-01T00:00:00Z',
          to: '2026-02-01T00:00:00Z',
          weekdays: [1, 2, 3],
          hours: { from: 9, to: 12 },
        },
      },
      {
        id: 'P2',
        name: '满100减10',
        status: 'active',
        priority: 0,
        target: {},
        rule: {
          kind: 'spend-threshold',
          tiers: [
            { spend: 10000, save: 1000 },
            { spend: 20000, save: 2500 },
          ],
          repeat: false,
        },
      },
    ]);
    for (const doc of docs) expect(validateDocument('promotions', doc)).toEqual([]);
  });

  it('[IM3] never throws on any rows, and every problem names a line of the file', () => {
    const cell = fc.oneof(
      fc.string({ unit: fc.constantFrom('a', '1', ',', '"', '\n', ';', ':', '-', ' ', '店') }),
      fc.constantFrom(
        'S001',
        '6901234567892',
        'VAT13',
        '13800138000',
        '1000',
        'percent-off',
        'open',
      ),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...IMPORT_KINDS),
        fc.array(fc.array(cell, { maxLength: 25 }), { maxLength: 6 }),
        (kind, rows) => {
          const header = importColumns(kind).map((c) => c.name);
          const text = [header, ...rows].map((cells) => cells.join(',')).join('\n');
          const result = readImport(kind, text, { pinSalt: () => '00'.repeat(16) });
          const lines = (text.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
          if (result.ok) {
            for (const row of result.rows) expect(validateDocument(result.db, row.doc)).toEqual([]);
          } else {
            for (const p of result.problems) {
              expect(p.line).toBeGreaterThanOrEqual(1);
              expect(p.line).toBeLessThanOrEqual(lines);
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
