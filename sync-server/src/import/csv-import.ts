/**
 * CSV rows to domain documents: one column layout per kind (README "Import
 * from CSV"), every value read strictly, every document validated with the
 * domain's own validator, every problem reported with its line and column.
 * No IO: the write (import-store.ts) happens only when there is no problem.
 * [IM2]-[IM4]
 */
import { randomBytes } from 'node:crypto';
import {
  hashPin,
  normalisePhone,
  parseGtin,
  stockLevelId,
  validateDocument,
  type CollectionName,
  type SchemaProblem,
} from '@pos/domain';
import { DEMO_PRIVACY_KEYS } from '../pii/keyring';
import { memberRecordProblems } from '../pii/member-record';
import type { JsonObject } from '../protocol';
import { parseCsv } from './csv';

export const IMPORT_KINDS = [
  'stores',
  'products',
  'prices',
  'stock',
  'members',
  'staff',
  'promotions',
] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export function isImportKind(value: string): value is ImportKind {
  return (IMPORT_KINDS as readonly string[]).includes(value);
}

/** One problem of an import: its line in the file (1 = the header) and column, when known. */
export type ImportProblem = { line: number; column: string | null; message: string };

/** A document referring to another that must exist (e.g. a price's SKU), checked before writing. */
export type Reference = { db: CollectionName; id: string; column: string };

export type ImportRow = {
  line: number;
  doc: JsonObject;
  references: Reference[];
  /** A staff member's PIN as read, so an import that does not change it keeps the stored hash. */
  pin?: string;
};

export type ParsedImport =
  { ok: true; db: CollectionName; rows: ImportRow[] } | { ok: false; problems: ImportProblem[] };

export type ImportOptions = {
  /** A fresh salt (hex) for each staff PIN; random unless a test injects one. */
  pinSalt?: () => string;
};

/** "line 17, column price: must be a whole number of fen" */
export function formatProblem(problem: ImportProblem): string {
  return problem.column === null
    ? `line ${problem.line}: ${problem.message}`
    : `line ${problem.line}, column ${problem.column}: ${problem.message}`;
}

/** Reads one row's cells by column name, noting each problem. */
class RowReader {
  readonly problems: ImportProblem[] = [];

  constructor(
    readonly line: number,
    private readonly cells: ReadonlyMap<string, string>,
  ) {}

  private problem(column: string, message: string): void {
    this.problems.push({ line: this.line, column, message });
  }

  /** The trimmed cell, or undefined when it is empty or the column is absent. */
  optional(column: string): string | undefined {
    const value = this.cells.get(column)?.trim();
    return value ? value : undefined;
  }

  text(column: string): string {
    const value = this.optional(column);
    if (value === undefined) this.problem(column, 'is empty; a value is required');
    return value ?? '';
  }

  oneOf<T extends string>(column: string, allowed: readonly T[], fallback?: T): T {
    const value = fallback === undefined ? this.text(column) : this.optional(column);
    if (value === undefined) return fallback!;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    if (value !== '') this.problem(column, `must be one of ${allowed.join(', ')}, got "${value}"`);
    return allowed[0]!;
  }

  integer(column: string, what: string, min: number, fallback?: number): number {
    const value = fallback === undefined ? this.text(column) : this.optional(column);
    if (value === undefined) return fallback!;
    if (value === '') return 0;
    const n = /^[+-]?\d{1,15}$/.test(value) ? Number(value) : NaN;
    if (!Number.isSafeInteger(n)) {
      this.problem(column, `must be ${what}, got "${value}"`);
      return 0;
    }
    if (n < min) this.problem(column, `must be at least ${min}, got ${n}`);
    return n;
  }

  /** An amount of money in fen (minor units), written as a whole number. */
  fen(column: string, min = 0): number {
    return this.integer(column, 'a whole number of fen', min);
  }

  optionalFen(column: string, min = 0): number | undefined {
    return this.optional(column) === undefined ? undefined : this.fen(column, min);
  }

  optionalCount(column: string, min = 0): number | undefined {
    return this.optional(column) === undefined
      ? undefined
      : this.integer(column, 'a whole number', min);
  }

  boolean(column: string): boolean | undefined {
    const value = this.optional(column)?.toLowerCase();
    if (value === undefined) return undefined;
    if (['true', 'yes', '1', 'y'].includes(value)) return true;
    if (['false', 'no', '0', 'n'].includes(value)) return false;
    this.problem(column, `must be true or false, got "${value}"`);
    return undefined;
  }

  /** A `;`-separated list; undefined when the cell is empty. */
  list(column: string): string[] | undefined {
    const value = this.optional(column);
    if (value === undefined) return undefined;
    return value
      .split(';')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  gtin(column: string): string {
    const value = this.text(column);
    if (value === '') return '';
    const parsed = parseGtin(value);
    if (parsed.ok) return parsed.gtin;
    this.problem(column, parsed.message);
    return value;
  }

  phone(column: string): string {
    const value = this.text(column);
    if (value === '') return '';
    const parsed = normalisePhone(value);
    if (parsed.ok) return parsed.phone;
    this.problem(column, parsed.message);
    return value;
  }

  /** Adds a problem that is not about one cell's syntax. */
  refuse(column: string | null, message: string): void {
    this.problems.push({ line: this.line, column, message });
  }
}

type Layout = {
  db: CollectionName;
  /** Every column the kind reads; `required` ones must be in the header. */
  columns: readonly { name: string; required: boolean }[];
  /** The column that holds each document field, for the domain validator's problems. */
  fieldColumns: Readonly<Record<string, string>>;
  toDoc(row: RowReader, options: Required<ImportOptions>): JsonObject;
  references?(doc: JsonObject): Reference[];
};

const cols = (required: string, optional = '') => [
  ...required.split(' ').map((name) => ({ name, required: true })),
  ...optional
    .split(' ')
    .filter(Boolean)
    .map((name) => ({ name, required: false })),
];

/** Removes fields that are undefined, so absent optional fields stay absent. */
function defined(doc: Record<string, unknown>): JsonObject {
  return Object.fromEntries(
    Object.entries(doc).filter(([, value]) => value !== undefined),
  ) as JsonObject;
}

const PROMOTION_KINDS = [
  'percent-off',
  'amount-off',
  'fixed-price',
  'buy-x-get-y',
  'bundle',
  'spend-threshold',
] as const;

/** `spend:save;spend:save` in fen, e.g. `10000:1000;20000:2500` (满100减10, 满200减25). */
function tiers(row: RowReader, column: string): { spend: number; save: number }[] | undefined {
  const items = row.list(column);
  if (items === undefined) return undefined;
  const out: { spend: number; save: number }[] = [];
  for (const item of items) {
    const match = /^(\d{1,13}):(\d{1,13})$/.exec(item);
    if (!match) {
      row.refuse(column, `"${item}" is not spend:save in whole fen, e.g. 10000:1000`);
      continue;
    }
    out.push({ spend: Number(match[1]), save: Number(match[2]) });
  }
  return out;
}

function promotionRule(row: RowReader): JsonObject {
  const kind = row.oneOf('kind', PROMOTION_KINDS);
  const need = (column: string, value: number | undefined): number => {
    if (value === undefined) row.refuse(column, `is required for a ${kind} promotion`);
    return value ?? 0;
  };
  switch (kind) {
    case 'percent-off':
      return { kind, bp: need('bp', row.optionalCount('bp', 1)) };
    case 'amount-off':
      return { kind, amount: need('amount', row.optionalFen('amount', 1)) };
    case 'fixed-price':
      return { kind, price: need('price', row.optionalFen('price')) };
    case 'buy-x-get-y':
      return {
        kind,
        buy: need('buy', row.optionalCount('buy', 1)),
        get: need('get', row.optionalCount('get', 1)),
        bp: row.optionalCount('bp', 1) ?? 10_000,
      };
    case 'bundle':
      return {
        kind,
        quantity: need('quantity', row.optionalCount('quantity', 1)),
        price: need('price', row.optionalFen('price')),
      };
    case 'spend-threshold': {
      const list = tiers(row, 'tiers');
      if (list === undefined) row.refuse('tiers', 'is required for a spend-threshold promotion');
      return defined({ kind, tiers: list ?? [], repeat: row.boolean('repeat') });
    }
  }
}

function promotionWindow(row: RowReader): JsonObject | undefined {
  const weekdays = row.list('weekdays');
  const days = weekdays?.map((day) => {
    if (!/^[0-6]$/.test(day)) row.refuse('weekdays', `"${day}" is not a weekday 0-6 (0 = Sunday)`);
    return Number(day);
  });
  const hoursText = row.optional('hours');
  let hours: { from: number; to: number } | undefined;
  if (hoursText !== undefined) {
    const match = /^(\d{1,2})-(\d{1,2})$/.exec(hoursText);
    if (match) hours = { from: Number(match[1]), to: Number(match[2]) };
    else row.refuse('hours', `"${hoursText}" is not hours from-to, e.g. 9-12`);
  }
  const window = defined({
    from: row.optional('from'),
    to: row.optional('to'),
    weekdays: days,
    hours,
  });
  return Object.keys(window).length ? window : undefined;
}

const LAYOUTS: Record<ImportKind, Layout> = {
  stores: {
    db: 'stores',
    columns: cols('id name address currency', 'status'),
    fieldColumns: {},
    toDoc: (row) => ({
      id: row.text('id'),
      name: row.text('name'),
      address: row.text('address'),
      currency: row.text('currency'),
      status: row.oneOf('status', ['open', 'closed'], 'open'),
    }),
  },
  products: {
    db: 'products',
    columns: cols('sku name gtin category taxClass', 'brand status'),
    fieldColumns: { id: 'sku' },
    toDoc: (row) =>
      defined({
        id: row.text('sku'),
        name: row.text('name'),
        gtin: row.gtin('gtin'),
        category: row.text('category'),
        brand: row.optional('brand'),
        taxClass: row.oneOf('taxClass', ['VAT13', 'VAT9', 'VAT6', 'VAT0']),
        status: row.oneOf('status', ['active', 'discontinued'], 'active'),
      }),
  },
  prices: {
    db: 'prices',
    columns: cols('priceList sku price currency'),
    fieldColumns: { amount: 'price', id: 'sku' },
    toDoc: (row) => {
      const priceList = row.text('priceList');
      const sku = row.text('sku');
      return {
        id: `${priceList}:${sku}`,
        priceList,
        sku,
        amount: row.fen('price'),
        currency: row.text('currency'),
      };
    },
    references: (doc) => [{ db: 'products', id: doc.sku as string, column: 'sku' }],
  },
  stock: {
    db: 'stock',
    columns: cols('storeId sku onHand'),
    fieldColumns: { id: 'sku' },
    toDoc: (row) => {
      const storeId = row.text('storeId');
      const sku = row.text('sku');
      return {
        id: stockLevelId(storeId, sku),
        storeId,
        sku,
        onHand: row.integer('onHand', 'a whole number', -1e9),
      };
    },
    references: (doc) => [
      { db: 'stores', id: doc.storeId as string, column: 'storeId' },
      { db: 'products', id: doc.sku as string, column: 'sku' },
    ],
  },
  members: {
    db: 'members',
    columns: cols('id phone name tier homeStoreId', 'points status'),
    fieldColumns: {},
    toDoc: (row) => ({
      id: row.text('id'),
      phone: row.phone('phone'),
      name: row.text('name'),
      tier: row.text('tier'),
      homeStoreId: row.text('homeStoreId'),
      points: row.integer('points', 'a whole number of points', 0, 0),
      status: row.oneOf('status', ['active', 'closed'], 'active'),
    }),
    references: (doc) => [{ db: 'stores', id: doc.homeStoreId as string, column: 'homeStoreId' }],
  },
  staff: {
    db: 'staff',
    columns: cols('id name storeId roles pin', 'status'),
    fieldColumns: { pinSalt: 'pin', pinHash: 'pin' },
    toDoc: (row, options) => {
      const pin = row.text('pin');
      if (pin !== '' && !/^\d{4,6}$/.test(pin)) row.refuse('pin', 'must be 4 to 6 digits');
      const pinSalt = options.pinSalt();
      return {
        id: row.text('id'),
        name: row.text('name'),
        storeId: row.text('storeId'),
        roles: row.list('roles') ?? [],
        pinSalt,
        pinHash: /^\d{4,6}$/.test(pin) ? hashPin(pin, pinSalt) : '',
        status: row.oneOf('status', ['active', 'left'], 'active'),
      };
    },
    references: (doc) => [{ db: 'stores', id: doc.storeId as string, column: 'storeId' }],
  },
  promotions: {
    db: 'promotions',
    columns: cols(
      'id name kind',
      'priority status exclusive bp amount price buy get quantity tiers repeat ' +
        'skus categories brands stores channels memberTiers from to weekdays hours',
    ),
    fieldColumns: {},
    toDoc: (row) =>
      defined({
        id: row.text('id'),
        name: row.text('name'),
        status: row.oneOf('status', ['active', 'retired'], 'active'),
        priority: row.integer('priority', 'a whole number', -1e6, 0),
        exclusive: row.boolean('exclusive'),
        target: defined({
          skus: row.list('skus'),
          categories: row.list('categories'),
          brands: row.list('brands'),
        }),
        rule: promotionRule(row),
        stores: row.list('stores'),
        channels: row.list('channels'),
        memberTiers: row.list('memberTiers'),
        window: promotionWindow(row),
      }),
  },
};

/** The columns of a kind, required ones first, for the README and usage errors. */
export function importColumns(kind: ImportKind): { name: string; required: boolean }[] {
  return [...LAYOUTS[kind].columns];
}

/** Which column a validator problem is about: its path's fields, else the last one. */
function columnOf(
  layout: Layout,
  problem: SchemaProblem,
  known: ReadonlySet<string>,
): string | null {
  const fields = problem.path
    .replace(/^\$\.?/, '')
    .split(/[.[\]]+/)
    .filter((part) => part !== '' && !/^\d+$/.test(part));
  for (let i = fields.length - 1; i >= 0; i--) {
    const field = fields[i]!;
    const column = layout.fieldColumns[field] ?? field;
    if (known.has(column)) return column;
  }
  return null;
}

/**
 * [IM2] Reads a whole file of one kind: the header names the columns (any
 * order; unknown ones are refused), each later record becomes a document.
 * [IM3] Every problem is listed with its line and column: a malformed CSV, a
 * bad value, a document the domain's validator refuses, a repeated id.
 * Empty lines are skipped. Never throws.
 */
export function readImport(
  kind: ImportKind,
  text: string,
  options: ImportOptions = {},
): ParsedImport {
  const layout = LAYOUTS[kind];
  const settings: Required<ImportOptions> = {
    pinSalt: options.pinSalt ?? (() => randomBytes(16).toString('hex')),
  };
  const csv = parseCsv(text);
  if (!csv.ok) {
    return {
      ok: false,
      problems: [{ line: csv.error.line, column: null, message: csv.error.message }],
    };
  }
  const [header, ...records] = csv.records;
  if (!header)
    return { ok: false, problems: [{ line: 1, column: null, message: 'the file is empty' }] };

  const problems: ImportProblem[] = [];
  const names = header.fields.map((name) => name.trim());
  const known = new Set(layout.columns.map((c) => c.name));
  const expected = layout.columns.map((c) => c.name).join(', ');
  names.forEach((name, i) => {
    if (!known.has(name)) {
      problems.push({
        line: header.line,
        column: name || `#${i + 1}`,
        message: `is not a column of ${kind} (the columns are ${expected})`,
      });
    } else if (names.indexOf(name) !== i) {
      problems.push({ line: header.line, column: name, message: 'appears twice in the header' });
    }
  });
  for (const column of layout.columns) {
    if (column.required && !names.includes(column.name)) {
      problems.push({
        line: header.line,
        column: column.name,
        message: 'is missing from the header',
      });
    }
  }
  if (problems.length) return { ok: false, problems };

  const rows: ImportRow[] = [];
  const firstLineOf = new Map<string, number>();
  for (const record of records) {
    if (record.fields.length === 1 && record.fields[0]!.trim() === '') continue;
    if (record.fields.length !== names.length) {
      problems.push({
        line: record.line,
        column: null,
        message: `has ${record.fields.length} fields; the header has ${names.length}`,
      });
      continue;
    }
    const row = new RowReader(
      record.line,
      new Map(names.map((name, i) => [name, record.fields[i]!])),
    );
    const doc = layout.toDoc(row, settings);
    if (row.problems.length) {
      problems.push(...row.problems);
      continue;
    }
    // [PK4] A member row is a member record: personal data the intake encrypts.
    const invalid =
      layout.db === 'members'
        ? memberRecordProblems(doc, DEMO_PRIVACY_KEYS.indexKey)
        : validateDocument(layout.db, doc);
    if (invalid.length) {
      for (const problem of invalid) {
        const column = columnOf(layout, problem, known);
        problems.push({
          line: record.line,
          column,
          message:
            column === null && problem.path !== '$'
              ? `${problem.path} ${problem.message}`
              : problem.message,
        });
      }
      continue;
    }
    const id = doc.id as string;
    const earlier = firstLineOf.get(id);
    if (earlier !== undefined) {
      problems.push({
        line: record.line,
        column: layout.fieldColumns.id ?? 'id',
        message: `${id} is already on line ${earlier}`,
      });
      continue;
    }
    firstLineOf.set(id, record.line);
    const pin = kind === 'staff' ? row.optional('pin') : undefined;
    rows.push({
      line: record.line,
      doc,
      references: layout.references?.(doc) ?? [],
      ...(pin === undefined ? {} : { pin }),
    });
  }
  if (problems.length) return { ok: false, problems };
  return { ok: true, db: layout.db, rows };
}
