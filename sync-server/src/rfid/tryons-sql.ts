/**
 * The set-based reads behind the try-on reports, suggestions and the
 * outbox ([ST17]): each one statement over the documents table, whatever
 * the number of try-ons, EPCs or SKUs. Lists go in as one JSON parameter.
 * See SPEC.md [RI6]-[RI10].
 */
import type { EpcSale, TryOnFact } from '@pos/domain';
import type { SyncStorage } from '../storage/storage';

/** Server-only: a try-on fact's storage ([OF1]), never a collection a device addresses. */
export const TRY_ON_FACTS_DB = '_tryOnFacts';

type Reader = Pick<SyncStorage, 'reportQuery'>;

/**
 * [ST18] Text bounds for an index range over ISO-8601 instants: every
 * instant in `[from, to)`, however many digits of milliseconds it is
 * written with, sorts as text at or after `from`'s whole second and before
 * the second after `to`'s. The exact bounds are checked beside them.
 */
export function secondsAround(from: string, to: string): [string, string] {
  const second = (ms: number) => new Date(ms).toISOString().slice(0, 19);
  const start = Math.floor(Date.parse(from) / 1000) * 1000;
  const end = Math.floor(Date.parse(to) / 1000) * 1000 + 1000;
  return [second(start), second(end)];
}

/**
 * [RI6] [RI7] The try-on facts (sessions long enough, [TO3]) that closed in
 * `[from, to)`, of one store or (null) every store, by closing time.
 */
export async function selectTryOns(
  reader: Reader,
  where: { storeId: string | null; from: string; to: string },
): Promise<TryOnFact[]> {
  const rows = await reader.reportQuery<{ body: TryOnFact }>(
    `SELECT body FROM docs
      WHERE db = '${TRY_ON_FACTS_DB}'
        AND body->>'closedAt' >= $4 AND body->>'closedAt' < $5
        AND ($1::text IS NULL OR store_id = $1::text)
        AND (body->>'tryOn')::boolean
        AND (body->>'closedAt')::timestamptz >= $2::timestamptz
        AND (body->>'closedAt')::timestamptz < $3::timestamptz
      ORDER BY (body->>'closedAt')::timestamptz, id`,
    [where.storeId, where.from, where.to, ...secondsAround(where.from, where.to)],
  );
  return rows.map((r) => r.body);
}

/**
 * [RI10] The member-linked sessions (try-ons or not) that closed at or
 * after `since`, any store, by opening time.
 */
export async function selectMemberSessions(reader: Reader, since: string): Promise<TryOnFact[]> {
  const rows = await reader.reportQuery<{ body: TryOnFact }>(
    `SELECT body FROM docs
      WHERE db = '${TRY_ON_FACTS_DB}' AND body ? 'memberId'
        AND body->>'closedAt' >= $2
        AND (body->>'closedAt')::timestamptz >= $1::timestamptz
      ORDER BY body->>'openedAt', id`,
    [since, secondsAround(since, since)[0]],
  );
  return rows.map((r) => r.body);
}

/**
 * [TO8] The sales of any of `epcs` (by the EPCs of their lines, [RC5]) sold
 * in `[from, to]`, at any till of the chain.
 */
export async function selectEpcSales(
  reader: Reader,
  epcs: readonly string[],
  between: { from: string; to: string },
): Promise<EpcSale[]> {
  if (epcs.length === 0) return [];
  const rows = await reader.reportQuery<{
    epc: string;
    sale_id: string;
    sold_at: string;
    store_id: string;
  }>(
    `SELECT e.epc, s.id AS sale_id, s.body->>'soldAt' AS sold_at, s.body->>'storeId' AS store_id
       FROM docs s
      CROSS JOIN LATERAL jsonb_array_elements(s.body->'lines') AS l(line)
      CROSS JOIN LATERAL jsonb_array_elements_text(
        CASE WHEN jsonb_typeof(l.line->'epcs') = 'array' THEN l.line->'epcs' ELSE '[]'::jsonb END
      ) AS e(epc)
      WHERE s.db = 'saleFacts'
        AND jsonb_path_query_array(s.body, '$.lines[*].epcs[*]')
            ?| ARRAY(SELECT jsonb_array_elements_text($1::jsonb))
        AND (s.body->>'soldAt')::timestamptz BETWEEN $2::timestamptz AND $3::timestamptz
        AND e.epc IN (SELECT jsonb_array_elements_text($1::jsonb))`,
    [JSON.stringify([...new Set(epcs)]), between.from, between.to],
  );
  return rows.map((r) => ({
    epc: r.epc,
    saleId: r.sale_id,
    soldAt: r.sold_at,
    storeId: r.store_id,
  }));
}

/** A product as reports name it: its SKU and name, and its style's colour and size when it has one. */
export type ReportProduct = {
  gtin: string;
  sku: string;
  name: string;
  styleId: string | null;
  colour: string | null;
  size: string | null;
};

/** [IT3] [VG1] The products of these GTINs, each with its style's colour and size. */
export async function selectProductsByGtin(
  reader: Reader,
  gtins: readonly string[],
): Promise<Map<string, ReportProduct>> {
  if (gtins.length === 0) return new Map();
  const rows = await reader.reportQuery<{
    gtin: string;
    sku: string;
    name: string;
    style_id: string | null;
    colour: string | null;
    size: string | null;
  }>(
    `WITH wanted AS (SELECT DISTINCT jsonb_array_elements_text($1::jsonb) AS gtin),
     products AS (
       SELECT p.id AS sku, p.body->>'gtin' AS gtin, p.body->>'name' AS name
         FROM docs p JOIN wanted w ON p.body->>'gtin' = w.gtin
        WHERE p.db = 'products'),
     variants AS (
       SELECT v->>'sku' AS sku, d.body->>'styleId' AS style_id,
              v->>'colour' AS colour, v->>'size' AS size
         FROM docs d CROSS JOIN LATERAL jsonb_array_elements(d.body->'variants') AS v
        WHERE d.db = 'chain' AND d.body->>'kind' = 'style'
          AND jsonb_typeof(d.body->'variants') = 'array')
     SELECT DISTINCT ON (products.gtin) products.gtin, products.sku, products.name,
            variants.style_id, variants.colour, variants.size
       FROM products LEFT JOIN variants ON variants.sku = products.sku
      ORDER BY products.gtin, products.sku, variants.style_id`,
    [JSON.stringify([...new Set(gtins)])],
  );
  return new Map(
    rows.map((r) => [
      r.gtin,
      {
        gtin: r.gtin,
        sku: r.sku,
        name: r.name,
        styleId: r.style_id,
        colour: r.colour,
        size: r.size,
      },
    ]),
  );
}

/**
 * [TO11] How many sales since `since` held each of `skus` together with
 * another SKU, most often first, at most `limit` pairs.
 */
export async function selectBoughtTogether(
  reader: Reader,
  skus: readonly string[],
  since: string,
  limit: number,
): Promise<{ sku: string; other: string; together: number }[]> {
  if (skus.length === 0) return [];
  const rows = await reader.reportQuery<{ sku: string; other: string; together: number | string }>(
    `WITH tried AS (SELECT DISTINCT jsonb_array_elements_text($1::jsonb) AS sku)
     SELECT a.line->>'sku' AS sku, b.line->>'sku' AS other, count(DISTINCT s.id) AS together
       FROM docs s
      CROSS JOIN LATERAL jsonb_array_elements(s.body->'lines') AS a(line)
      CROSS JOIN LATERAL jsonb_array_elements(s.body->'lines') AS b(line)
      WHERE s.db = 'saleFacts'
        AND (s.body->>'soldAt')::timestamptz >= $2::timestamptz
        AND a.line->>'sku' IN (SELECT sku FROM tried)
        AND b.line->>'sku' <> a.line->>'sku'
      GROUP BY 1, 2
      ORDER BY together DESC, other, sku
      LIMIT $3`,
    [JSON.stringify([...new Set(skus)]), since, limit],
  );
  return rows.map((r) => ({ sku: r.sku, other: r.other, together: Number(r.together) }));
}
