/**
 * `/_console/labels…` and `/_console/prices`: the console's shelf labels
 * (list, bind, pushes, integrity) and price changes. Thin: parse strictly,
 * check the permission and the store, call labels.ts. Reads go through the
 * session's row-level security ([UA4]). See SPEC.md [SV8]-[SV12].
 */
import {
  effectiveInstant,
  labelIdRefusal,
  type BindLabelsRequest,
  type ConsolePermission,
  type PriceChangeAnswer,
  type PriceChangeRequest,
} from '@pos/domain';
import type { ConsoleHandler, ConsoleRequest } from '../console/context';
import { SyncError, isJsonObject } from '../protocol';
import { allow } from '../route-guards';
import {
  LABEL_PRICING,
  applyDuePriceChanges,
  bindLabels,
  changePrice,
  integrityReport,
  listLabels,
  listPushes,
} from './labels';

const bad = (reason: string) => new SyncError('bad_request', reason);
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** [SV11] At most this many bindings in one request. */
export const BINDINGS_MAX = 5000;
const LIST_MAX = 5000;
const MAX_FEN = 100_000_000_00;

function need(request: ConsoleRequest, permission: ConsolePermission): void {
  if (!request.session.permissions.includes(permission)) {
    throw new SyncError('forbidden', `this needs the permission ${permission}`);
  }
}

/** [UA3] A store the caller may not see is 404, as one that does not exist. */
async function visibleStore(request: ConsoleRequest, raw: unknown): Promise<string> {
  if (typeof raw !== 'string' || !ID.test(raw)) throw bad('store must be a store id');
  const { stores } = request.session;
  const exists = (await request.storage.getDocs('stores', [raw], null)).has(raw);
  if (!exists || (stores !== 'all' && !stores.includes(raw))) {
    throw new SyncError('not_found', `no store ${raw}`);
  }
  return raw;
}

/** The stores a report covers: `store=` (visible), else every store the caller sees that has labels. */
async function reportStores(request: ConsoleRequest): Promise<string[]> {
  const store = request.query.get('store');
  if (store !== null) return [await visibleStore(request, store)];
  const rows = await request.scoped((q) =>
    q.query<{ store_id: string }>('SELECT DISTINCT store_id FROM esl_labels ORDER BY store_id'),
  );
  const { stores } = request.session;
  return rows.map((r) => r.store_id).filter((s) => stores === 'all' || stores.includes(s));
}

function limitParam(request: ConsoleRequest, fallback: number): number {
  const raw = request.query.get('limit');
  if (raw === null) return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > LIST_MAX) {
    throw bad(`limit must be a whole number from 1 to ${LIST_MAX}`);
  }
  return Number(raw);
}

/** [SV11] A bind request's body, or 400 with the reason; SKUs must be products. */
async function parseBindings(request: ConsoleRequest, body: unknown): Promise<BindLabelsRequest> {
  if (!isJsonObject(body) || !Array.isArray(body.bindings)) {
    throw bad('send {"storeId": "...", "bindings": [{"labelId": "...", "sku": "..."}]}');
  }
  const storeId = await visibleStore(request, body.storeId);
  if (body.bindings.length < 1 || body.bindings.length > BINDINGS_MAX) {
    throw bad(`bindings must hold 1 to ${BINDINGS_MAX} labels`);
  }
  const seen = new Set<string>();
  const bindings = body.bindings.map((b: unknown, i: number) => {
    if (!isJsonObject(b)) throw bad(`bindings[${i}] must be an object`);
    const refusal = labelIdRefusal(b.labelId);
    if (refusal) throw bad(`bindings[${i}]: ${refusal}`);
    if (typeof b.sku !== 'string' || !ID.test(b.sku))
      throw bad(`bindings[${i}]: sku must be a SKU`);
    const labelId = b.labelId as string;
    if (seen.has(labelId)) throw bad(`bindings[${i}]: label ${labelId} appears twice`);
    seen.add(labelId);
    return { labelId, sku: b.sku };
  });
  const skus = [...new Set(bindings.map((b) => b.sku))];
  const products = await request.storage.getDocs('products', skus, null);
  const missing = skus.filter((s) => !products.has(s));
  if (missing.length) throw bad(`no such product: ${missing.slice(0, 5).join(', ')}`);
  return { storeId, bindings };
}

/** [SV12] A price change's body, or 400 with the reason. */
async function parsePriceChange(
  request: ConsoleRequest,
  body: unknown,
): Promise<PriceChangeRequest & { effectiveAt: string }> {
  if (!isJsonObject(body)) {
    throw bad('send {"priceList": "...", "sku": "...", "amountFen": 1290, "effectiveAt"?: "..."}');
  }
  const { priceList, sku, amountFen } = body;
  if (typeof priceList !== 'string' || !ID.test(priceList)) throw bad('priceList must be an id');
  if (typeof sku !== 'string' || !ID.test(sku)) throw bad('sku must be a SKU');
  if (
    typeof amountFen !== 'number' ||
    !Number.isSafeInteger(amountFen) ||
    amountFen < 0 ||
    amountFen > MAX_FEN
  ) {
    throw bad(`amountFen must be a whole number of fen from 0 to ${MAX_FEN}`);
  }
  if (body.effectiveAt !== undefined && typeof body.effectiveAt !== 'string') {
    throw bad('effectiveAt must be a string');
  }
  const when = effectiveInstant(
    body.effectiveAt,
    LABEL_PRICING.utcOffsetMinutes,
    request.now().toISOString(),
  );
  if (!when.ok) throw bad(when.reason);
  const product = (await request.storage.getDocs('products', [sku], null)).get(sku);
  if (!product) throw bad(`no such product: ${sku}`);
  return { priceList, sku, amountFen, effectiveAt: when.at };
}

export const serveLabelConsoleRoutes: ConsoleHandler = async (request) => {
  const [, first, second, third] = request.segments;
  if (first === 'prices' && second === undefined) {
    allow(request.method, 'POST');
    need(request, 'prices:edit');
    const change = await parsePriceChange(request, await request.readJson());
    const now = request.now();
    await applyDuePriceChanges(request.storage, now);
    const answer: PriceChangeAnswer = await changePrice(
      request.storage,
      { ...change, by: request.session.userName },
      now,
    );
    request.log('info', 'price changed', { ...answer, by: request.session.userName });
    request.send(200, answer);
    return true;
  }
  if (first !== 'labels' || third !== undefined) return false;
  const now = request.now();
  if (second === undefined) {
    allow(request.method, 'GET');
    need(request, 'dashboards:read');
    const storeId = await visibleStore(request, request.query.get('store'));
    const status = request.query.get('status');
    if (status !== null && !['pending', 'acked', 'failed', 'unbound'].includes(status)) {
      throw bad('status must be pending, acked, failed or unbound');
    }
    const limit = limitParam(request, 1000);
    await applyDuePriceChanges(request.storage, now);
    request.send(200, await request.scoped((q) => listLabels(q, storeId, status, limit)));
    return true;
  }
  if (second === 'bindings') {
    allow(request.method, 'POST');
    need(request, 'labels:edit');
    const { storeId, bindings } = await parseBindings(request, await request.readJson());
    const answer = await bindLabels(request.storage, storeId, bindings, now);
    request.send(200, answer);
    return true;
  }
  if (second === 'pushes') {
    allow(request.method, 'GET');
    need(request, 'dashboards:read');
    const storeId = await visibleStore(request, request.query.get('store'));
    const limit = limitParam(request, 100);
    await applyDuePriceChanges(request.storage, now);
    request.send(200, { pushes: await request.scoped((q) => listPushes(q, storeId, limit)) });
    return true;
  }
  if (second === 'integrity') {
    allow(request.method, 'GET');
    need(request, 'dashboards:read');
    const stores = await reportStores(request);
    await applyDuePriceChanges(request.storage, now);
    request.send(
      200,
      await integrityReport(request.storage, (work) => request.scoped(work), stores, now),
    );
    return true;
  }
  return false;
};
