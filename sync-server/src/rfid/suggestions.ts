/**
 * [RI9] [TO11] [TO12] Outfit suggestions: for SKUs a clerk names (no
 * personal data), or for a member's tried-and-not-bought items only with
 * their consent. Other sizes and colours with ATP here and at the nearest
 * stores (the clerk tablet's chain stock, [TB1]), and what the chain's
 * sales bought together with them.
 */
import {
  outfitSuggestions,
  type CollectionName,
  type OutfitSuggestion,
  type Style,
  type SuggestionsAnswer,
} from '@pos/domain';
import { chainStock } from '../clerk/stock';
import { mayUse, storageReader } from '../pii/consent-check';
import { SyncError } from '../protocol';
import { FIND_DOCS_MAX } from '../storage/find-docs';
import type { SyncStorage } from '../storage/storage';
import { memberTryOns } from './tryons';
import { selectBoughtTogether } from './tryons-sql';

export const SUGGESTIONS_DEFAULT_LIMIT = 8;
export const SUGGESTIONS_MAX_LIMIT = 50;
/** [TO11] How far back the chain's sales are read for what was bought together. */
export const BOUGHT_TOGETHER_DAYS = 180;
/** [RI9] A member's try-ons of the last this long are what suggestions follow. */
export const MEMBER_RECENT_MS = 24 * 60 * 60_000;
/** [TO11] Other stores whose stock is read, nearest first. */
const NEAREST_STORES = 5;

/** The chain's styles holding any of `skus`, by SKU. */
async function stylesOf(
  storage: Pick<SyncStorage, 'findDocs'>,
  skus: readonly string[],
): Promise<Map<string, Style>> {
  const wanted = new Set(skus);
  const rows = await storage.findDocs('chain' as CollectionName, {
    fields: { kind: 'style' },
    limit: FIND_DOCS_MAX,
  });
  const by = new Map<string, Style>();
  for (const row of rows) {
    const style = row.body as unknown as Style;
    for (const v of style.variants ?? []) if (wanted.has(v.sku)) by.set(v.sku, style);
  }
  return by;
}

/** [TO11] ATP of a style's SKUs here (distance 0) and at the nearest stores. */
async function styleStock(storage: SyncStorage, storeId: string, style: Style, asOf: string) {
  try {
    const answer = await chainStock(storage, storeId, style, { limit: NEAREST_STORES }, asOf);
    return [
      { storeId, distanceKm: 0, atp: answer.here.atp },
      ...answer.stores.map((s) => ({
        storeId: s.storeId,
        distanceKm: Math.round(s.distanceMetres / 100) / 10,
        atp: s.atp,
      })),
    ];
  } catch (error) {
    // A store with no location: its own shelves only.
    if (!(error instanceof SyncError) || error.status !== 409) throw error;
    const skus = style.variants.map((v) => v.sku);
    const here = (await storage.stockPositions([storeId], skus)).get(storeId) ?? {};
    const atp: Record<string, number> = {};
    for (const [sku, [onHand, held]] of Object.entries(here)) atp[sku] = Math.max(onHand - held, 0);
    return [{ storeId, distanceKm: 0, atp }];
  }
}

/** [TO11] Suggestions for `skus` tried at `storeId`, at most `limit`. Uses no personal data. */
export async function suggestionsForSkus(
  storage: SyncStorage,
  where: { storeId: string; skus: readonly string[]; limit: number; exclude?: readonly string[] },
  now: string,
): Promise<OutfitSuggestion[]> {
  const skus = [...new Set(where.skus)];
  if (skus.length === 0) return [];
  const since = new Date(Date.parse(now) - BOUGHT_TOGETHER_DAYS * 86_400_000).toISOString();
  const [styles, together] = await Promise.all([
    stylesOf(storage, skus),
    selectBoughtTogether(storage, skus, since, SUGGESTIONS_MAX_LIMIT * 4),
  ]);
  const distinct = [...new Map([...styles.values()].map((s) => [s.styleId, s])).values()];
  const stock = (
    await Promise.all(distinct.map((style) => styleStock(storage, where.storeId, style, now)))
  ).flat();
  return outfitSuggestions({
    triedSkus: skus,
    styleOf: (sku) => styles.get(sku) ?? null,
    stock,
    boughtTogether: together,
    ...(where.exclude ? { exclude: where.exclude } : {}),
    limit: where.limit,
  });
}

/**
 * [TO11] The SKUs a member tried at the store recently and did not buy,
 * latest first, and those they bought.
 */
export async function triedNotBoughtSkus(
  storage: SyncStorage,
  where: { storeId: string; memberId: string; since: string },
  now: string,
): Promise<{ skus: string[]; bought: string[] }> {
  const tried = await memberTryOns(storage, where, now);
  const skus: string[] = [];
  const bought: string[] = [];
  for (const t of tried.tryOns) {
    if (t.sku === null) continue;
    const list = t.sold ? bought : skus;
    if (!list.includes(t.sku)) list.push(t.sku);
  }
  return { skus: skus.filter((s) => !bought.includes(s)), bought };
}

/**
 * [RI9] The answer of `GET /_rfid/suggestions`: by SKUs, always; for a
 * member, only while they consent to try-on suggestions ([CS3]), else empty.
 */
export async function suggestionsAnswer(
  storage: SyncStorage,
  ask: { storeId: string; limit: number } & ({ skus: string[] } | { memberId: string }),
  now: string,
): Promise<SuggestionsAnswer> {
  if ('skus' in ask) {
    return {
      suggestions: await suggestionsForSkus(storage, { ...ask, skus: ask.skus }, now),
      consent: false,
    };
  }
  const consent = await mayUse(storageReader(storage), ask.memberId, 'tryon-suggestions', now);
  if (!consent) return { suggestions: [], consent: false };
  const since = new Date(Date.parse(now) - MEMBER_RECENT_MS).toISOString();
  const { skus, bought } = await triedNotBoughtSkus(
    storage,
    { storeId: ask.storeId, memberId: ask.memberId, since },
    now,
  );
  return {
    suggestions: await suggestionsForSkus(
      storage,
      { storeId: ask.storeId, skus, limit: ask.limit, exclude: bought },
      now,
    ),
    consent: true,
  };
}
