/** Who may read and change inventory in the console. See SPEC.md [IV2]. */
import type { ConsoleRequest } from '../console/context';
import { SyncError } from '../protocol';

/** [IV2] Whether the session sees a store. */
export function sees(request: ConsoleRequest, store: string): boolean {
  const { stores } = request.session;
  return stores === 'all' || stores.includes(store);
}

/** [IV2] The stores a session's lists are limited to (null: all). */
export const visibleStores = (request: ConsoleRequest): readonly string[] | null =>
  request.session.stores === 'all' ? null : request.session.stores;

/** [IV2] Refuses a session without `inventory:edit` with 403. */
export function mustEdit(request: ConsoleRequest): void {
  if (!request.session.permissions.includes('inventory:edit')) {
    throw new SyncError('forbidden', 'changing inventory needs the inventory:edit permission');
  }
}
