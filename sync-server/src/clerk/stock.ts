/**
 * [TB1] A style's stock across the chain for a clerk's tablet: one batched
 * read of the stock levels and held units of the style's SKUs at every store
 * with a location, ATP by SKU ([ATP3]), the other stores nearest first
 * ([VG4]).
 */
import {
  stockLevelId,
  storesByDistance,
  styleDocId,
  type ChainStockAnswer,
  type Store,
  type StoreStyleStock,
  type Style,
} from '@pos/domain';
import { fulfilmentLocationOf, type StoredLocation } from '../orders/locations';
import { positionAtp, readPositions } from '../orders/store-orders';
import { STORE_LOCATIONS_DB } from '../shop/catalog';
import { SyncError } from '../protocol';
import { FIND_DOCS_MAX } from '../storage/find-docs';
import type { SyncStorage } from '../storage/storage';

/** [TB1] Other stores an answer lists by default, and at most. */
export const CHAIN_STOCK_DEFAULT_LIMIT = 20;
export const CHAIN_STOCK_MAX_LIMIT = 500;

/** [TB1] The style `styleId` as the chain has it, or 404. */
export async function readStyle(
  storage: Pick<SyncStorage, 'getDocs'>,
  styleId: string,
): Promise<Style> {
  const id = styleDocId(styleId);
  const row = (await storage.getDocs('chain', [id], null)).get(id);
  const style = row?.body as Style | undefined;
  if (!style || style.kind !== 'style') throw new SyncError('not_found', `no style ${styleId}`);
  return style;
}

/**
 * [TB1] [VG4] The style's ATP at `storeId` and at the other stores with a
 * location, nearest first; with `sku`, only stores that have that SKU
 * available; at most `limit` stores. Every figure comes from one read of
 * levels and held units, all true at `asOf`.
 */
export async function chainStock(
  storage: SyncStorage,
  storeId: string,
  style: Style,
  options: { sku?: string; limit: number },
  asOf: string,
): Promise<ChainStockAnswer> {
  const skus = style.variants.map((v) => v.sku);
  const located = (await storage.findDocs(STORE_LOCATIONS_DB, { limit: FIND_DOCS_MAX }))
    .map((row) => fulfilmentLocationOf(row.body as unknown as StoredLocation))
    .filter((l) => l.kind === 'store' || l.id === storeId);
  const here = located.find((l) => l.id === storeId);
  if (!here) {
    throw new SyncError(
      'conflict',
      `store ${storeId} has no location: other stores cannot be sorted by distance from it`,
      { code: 'NO_LOCATION' },
    );
  }
  const keys = located.flatMap((l) => skus.map((sku) => ({ storeId: l.id, sku })));
  const [positions, stores] = await Promise.all([
    readPositions(storage, keys),
    storage.getDocs(
      'stores',
      located.map((l) => l.id),
      null,
    ),
  ]);
  const atpAt = (at: string, all: boolean): Record<string, number> => {
    const atp: Record<string, number> = {};
    for (const sku of skus) {
      const units = positionAtp(positions.get(stockLevelId(at, sku)));
      if (all || units > 0) atp[sku] = units;
    }
    return atp;
  };
  const others = located
    .filter((l) => (stores.get(l.id)?.body as Store | undefined)?.status !== 'closed')
    .map((l) => ({
      storeId: l.id,
      name: (stores.get(l.id)?.body as Store | undefined)?.name ?? l.name,
      location: { lat: l.lat, lng: l.lng },
      atp: atpAt(l.id, false),
    }))
    .filter((s) => options.sku === undefined || (s.atp[options.sku] ?? 0) > 0);
  const nearest = storesByDistance(
    { storeId, location: { lat: here.lat, lng: here.lng } },
    others,
    options.limit,
  );
  return {
    styleId: style.styleId,
    asOf,
    here: { storeId, atp: atpAt(storeId, true) },
    stores: nearest.map((s): StoreStyleStock => ({
      storeId: s.storeId,
      name: s.name,
      distanceMetres: Math.round(s.distanceMetres),
      atp: s.atp,
      asOf,
    })),
  };
}
