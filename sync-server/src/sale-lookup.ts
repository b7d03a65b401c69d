/**
 * [SA1] `GET /_sales/{id}` (a device token): a sale of the device's own store,
 * for a return at a till whose replica no longer holds it: 200 `{sale}`;
 * 403 `{error: 'forbidden'}` for another store's sale; 404 when there is none.
 */
import type { SaleFact } from '@pos/domain';
import { SyncError } from './protocol';
import type { ServiceRequest } from './service-routes';

const SALE_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

export async function readSaleForReturn(request: ServiceRequest, id: string): Promise<void> {
  if (request.method !== 'GET') throw new SyncError('method_not_allowed', 'use GET here');
  if (request.principal.kind !== 'device') {
    throw new SyncError('forbidden', 'this endpoint is for a store’s devices');
  }
  if (!SALE_ID.test(id)) throw new SyncError('bad_request', 'not a sale id');
  const row = (await request.storage.getDocs('saleFacts', [id], null)).get(id);
  if (!row) throw new SyncError('not_found', `no sale ${id}`);
  if (row.storeId !== request.principal.storeId) {
    throw new SyncError('forbidden', `sale ${id} was made at another store`);
  }
  request.send(200, { sale: row.body as SaleFact });
}
