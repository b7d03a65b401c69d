/**
 * The console's inventory endpoints: safety stock, alerts, replenishment,
 * transfers and deliveries. Thin: parse, check the permission and the
 * stores the session sees, call the feature, send. See SPEC.md [IV1]-[IV15].
 */
import { randomUUID } from 'node:crypto';
import type { TransferOrder } from '@pos/domain';
import type { ConsoleHandler, ConsoleRequest } from '../console/context';
import { allow } from '../route-guards';
import { SyncError } from '../protocol';
import { statusParam } from './device-routes';
import { serveSafetyStockRoutes } from './safety-stock-routes';
import { mustEdit, sees, visibleStores } from './access';
import {
  cancelStoredTransfer,
  createDelivery,
  createTransfer,
  listTransfers,
  readTransfer,
} from './transfers';

/** [IV10] A session sees a transfer when it sees its sender or its receiver. */
const seesTransfer = (request: ConsoleRequest, order: TransferOrder) =>
  sees(request, order.to) || (order.kind === 'transfer' && sees(request, order.from));

const newId = (prefix: string, now: Date) =>
  `${prefix}-${now.toISOString().slice(0, 10).replaceAll('-', '')}-${randomUUID().slice(0, 8)}`;

function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SyncError('bad_request', 'the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function text(body: Record<string, unknown>, field: string, fallback?: string): string {
  const value = body[field] ?? fallback;
  if (typeof value !== 'string') throw new SyncError('bad_request', `${field} must be text`);
  return value;
}

/**
 * [IV9] `POST /_console/transfers` (a draft; the session must see the sender
 * or the receiver) and `POST /_console/deliveries` (the session must see the
 * receiving store), both with `inventory:edit`; 201 with the order.
 */
async function create(request: ConsoleRequest, kind: 'transfer' | 'delivery'): Promise<void> {
  mustEdit(request);
  const body = objectBody(await request.readJson());
  const now = request.now();
  const [by, at] = [request.session.userName, now.toISOString()];
  const to = text(body, 'to');
  const from = kind === 'transfer' ? text(body, 'from') : null;
  if (!sees(request, to) && (from === null || !sees(request, from))) {
    throw new SyncError('not_found', `no store ${to}`);
  }
  const order =
    from !== null
      ? await createTransfer(
          request.storage,
          { id: newId('TR', now), from, to, lines: body.lines, reason: text(body, 'reason', '') },
          by,
          at,
        )
      : await createDelivery(
          request.storage,
          {
            id: newId('DL', now),
            supplier: text(body, 'supplier'),
            to,
            lines: body.lines,
            reference: text(body, 'reference', ''),
          },
          by,
          at,
        );
  request.send(201, order);
}

/** [IV10] [IV13] The transfers endpoints of the console. */
async function serveTransferRoutes(request: ConsoleRequest): Promise<boolean> {
  const [, what, id, action] = request.segments;
  if (what === 'deliveries' && id === undefined) {
    allow(request.method, 'POST');
    await create(request, 'delivery');
    return true;
  }
  if (what !== 'transfers') return false;
  if (id === undefined) {
    allow(request.method, 'GET', 'POST');
    if (request.method === 'POST') {
      await create(request, 'transfer');
      return true;
    }
    const store = request.query.get('store');
    if (store !== null && !sees(request, store))
      throw new SyncError('not_found', `no store ${store}`);
    const status = statusParam(request.query);
    const stores = store !== null ? [store] : visibleStores(request);
    const transfers = await request.scoped((q) => listTransfers(q, stores, status));
    request.send(200, { transfers: transfers.filter((t) => seesTransfer(request, t)) });
    return true;
  }
  if (action === undefined) {
    allow(request.method, 'GET');
    const order = await request.scoped((q) => readTransfer(q, id));
    if (!order || !seesTransfer(request, order))
      throw new SyncError('not_found', `no transfer ${id}`);
    request.send(200, order);
    return true;
  }
  if (action === 'cancel' && request.segments.length === 4) {
    allow(request.method, 'POST');
    mustEdit(request);
    const order = await cancelStoredTransfer(
      request.storage,
      id,
      (o) => seesTransfer(request, o),
      request.now().toISOString(),
    );
    request.send(200, order);
    return true;
  }
  return false;
}

export const serveInventoryConsoleRoutes: ConsoleHandler = async (request) =>
  (await serveTransferRoutes(request)) || serveSafetyStockRoutes(request);
