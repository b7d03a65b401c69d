/**
 * Styles and their variants: a garment (a style) comes in colours and sizes,
 * and each colour and size is a SKU of its own with its GTIN. A style is a
 * `chain` document of kind `style`, so no product changes shape and no
 * device migrates its catalog. The clerk's tablet (and, later, the till)
 * shows a style as a size-by-colour grid of available-to-promise figures;
 * other stores' figures come sorted by distance with their "as of" time.
 * Pure. See SPEC.md [VG1]-[VG5].
 */
import { haversineMetres, type GeoPoint } from './geo';
import type { SchemaProblem } from './validate';

/** [VG1] One variant: a SKU of the style in one colour and one size. */
export type StyleVariant = { sku: string; colour: string; size: string };

/** [VG1] A style: a `chain` document of kind `style`, id `style:<styleId>`. */
export type Style = {
  id: string;
  kind: 'style';
  styleId: string;
  name: string;
  category: string;
  brand?: string;
  /** Colours in the order the chain shows them. */
  colours: string[];
  /** Sizes in the order the chain shows them (S, M, L, ...; 36, 37, ...). */
  sizes: string[];
  variants: StyleVariant[];
  updatedAt?: string;
};

export const styleDocId = (styleId: string): string => `style:${styleId}`;

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const LABEL_MAX = 40;

/**
 * [VG1] Problems of a style document: a well-formed style id (and the doc id
 * from it), a name and category, 1-50 colours and 1-60 sizes each named
 * once, and variants whose colour and size are the style's, each SKU once
 * and each colour-size pair at most once. Never throws.
 */
export function styleProblems(value: unknown): SchemaProblem[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return [{ path: '$', message: 'must be an object' }];
  }
  const doc = value as Record<string, unknown>;
  const problems: SchemaProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (doc.kind !== 'style') add('$.kind', 'must be "style"');
  if (typeof doc.styleId !== 'string' || !CODE.test(doc.styleId)) {
    add('$.styleId', 'must be a style code (letters, digits, _ . -)');
  } else if (doc.id !== styleDocId(doc.styleId)) {
    add('$.id', `must be "${styleDocId(doc.styleId)}"`);
  }
  for (const field of ['name', 'category'] as const) {
    const v = doc[field];
    if (typeof v !== 'string' || v.trim() === '' || v.length > 200)
      add(`$.${field}`, 'must be 1-200 characters');
  }
  if (doc.brand !== undefined && (typeof doc.brand !== 'string' || doc.brand.length > 200)) {
    add('$.brand', 'must be text of at most 200 characters');
  }
  const labels = (field: 'colours' | 'sizes', max: number): string[] | null => {
    const list = doc[field];
    if (!Array.isArray(list) || list.length === 0 || list.length > max) {
      add(`$.${field}`, `must list 1-${max} ${field}`);
      return null;
    }
    const seen = new Set<string>();
    list.forEach((label: unknown, i) => {
      if (typeof label !== 'string' || label.trim() === '' || label.length > LABEL_MAX) {
        add(`$.${field}[${i}]`, `must be 1-${LABEL_MAX} characters`);
      } else if (seen.has(label)) add(`$.${field}[${i}]`, `${label} is listed twice`);
      else seen.add(label);
    });
    return list as string[];
  };
  const colours = labels('colours', 50);
  const sizes = labels('sizes', 60);
  if (!Array.isArray(doc.variants) || doc.variants.length === 0 || doc.variants.length > 3000) {
    add('$.variants', 'must list 1-3000 variants');
    return problems;
  }
  const skus = new Set<string>();
  const cells = new Set<string>();
  doc.variants.forEach((variant: unknown, i) => {
    const at = `$.variants[${i}]`;
    if (typeof variant !== 'object' || variant === null) {
      add(at, 'must be { sku, colour, size }');
      return;
    }
    const { sku, colour, size } = variant as Record<string, unknown>;
    if (typeof sku !== 'string' || !CODE.test(sku)) add(`${at}.sku`, 'is not a well-formed SKU');
    else if (skus.has(sku)) add(`${at}.sku`, `${sku} is a variant twice`);
    else skus.add(sku);
    if (colours && !colours.includes(colour as string))
      add(`${at}.colour`, 'is not one of the style’s colours');
    if (sizes && !sizes.includes(size as string))
      add(`${at}.size`, 'is not one of the style’s sizes');
    // Labels that are not text are reported above (or with the colours and sizes).
    if (typeof colour !== 'string' || typeof size !== 'string') return;
    const cell = `${colour}\u0000${size}`;
    if (cells.has(cell)) add(at, `${colour} ${size} has two SKUs`);
    cells.add(cell);
  });
  return problems;
}

/** [VG2] One cell of the grid: the variant's SKU and its ATP here (null: not known). */
export type StyleCell = { sku: string; atp: number | null };

/** [VG2] A style as a grid: a row per colour, a column per size; null where no variant exists. */
export type StyleGrid = {
  styleId: string;
  colours: string[];
  sizes: string[];
  cells: (StyleCell | null)[][];
  /** The sum of the known ATP figures. */
  total: number;
};

/**
 * [VG2] The style's grid of ATP figures, rows in the style's colour order
 * and columns in its size order; `atpOf` gives a SKU's ATP (undefined: no
 * figure known, shown as such, never as 0).
 */
export function styleGrid(style: Style, atpOf: (sku: string) => number | undefined): StyleGrid {
  let total = 0;
  const cells = style.colours.map((colour) =>
    style.sizes.map((size) => {
      const v = style.variants.find((x) => x.colour === colour && x.size === size);
      if (!v) return null;
      const atp = atpOf(v.sku);
      if (atp !== undefined) total += atp;
      return { sku: v.sku, atp: atp ?? null };
    }),
  );
  return { styleId: style.styleId, colours: style.colours, sizes: style.sizes, cells, total };
}

/** [VG3] The style and variant of a SKU, when the SKU belongs to a style. */
export function variantOf(
  styles: readonly Style[],
  sku: string,
): { style: Style; variant: StyleVariant } | null {
  for (const style of styles) {
    const variant = style.variants.find((v) => v.sku === sku);
    if (variant) return { style, variant };
  }
  return null;
}

/** [VG4] One other store's figures for a style, as the server or the last answer gave them. */
export type StoreStyleStock = {
  storeId: string;
  name: string;
  /** Straight-line distance from the asking store, metres. */
  distanceMetres: number;
  /** ATP by SKU at that store (SKUs with none may be left out: 0). */
  atp: Record<string, number>;
  /** When these figures were true: the server's time of the answer. */
  asOf: string;
};

/**
 * [VG4] Other stores with a style's figures, nearest first (then by store
 * id), leaving out the asking store and stores with no location. When `sku`
 * is given, only stores with that SKU available. `limit` caps the list.
 */
export function storesByDistance<S extends { storeId: string; location: GeoPoint | null }>(
  from: { storeId: string; location: GeoPoint },
  stores: readonly S[],
  limit = Infinity,
): (S & { distanceMetres: number })[] {
  return stores
    .filter((s) => s.storeId !== from.storeId && s.location !== null)
    .map((s) => ({ ...s, distanceMetres: haversineMetres(from.location, s.location!) }))
    .sort(
      (a, b) =>
        a.distanceMetres - b.distanceMetres ||
        (a.storeId < b.storeId ? -1 : a.storeId > b.storeId ? 1 : 0),
    )
    .slice(0, limit);
}

/**
 * [VG5] Figures a device shows offline are the last answer it had, marked
 * stale when older than `freshMs` at `now` (or when the device is offline):
 * never shown as live.
 */
export function stockFreshness(
  asOf: string,
  now: string,
  online: boolean,
  freshMs = 60_000,
): 'live' | 'stale' {
  return online && Date.parse(now) - Date.parse(asOf) <= freshMs ? 'live' : 'stale';
}
