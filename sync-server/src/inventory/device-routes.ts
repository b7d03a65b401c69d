/** PLACEHOLDER (inventory): `/_transfers/…`, a store's devices confirming transfer steps by scan. */
import type { ServiceRequest } from '../service-routes';
import { SyncError } from '../protocol';

export const TRANSFERS_ROUTE = '_transfers';

export async function serveTransfers(_request: ServiceRequest): Promise<void> {
  throw new SyncError('not_found', 'transfers are not served yet');
}
