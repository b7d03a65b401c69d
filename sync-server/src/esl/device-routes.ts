/** PLACEHOLDER (shelf-labels): `/_esl/…`, the store's shelf-label service fetching work and reporting acks. */
import type { ServiceRequest } from '../service-routes';
import { SyncError } from '../protocol';

export const ESL_ROUTE = '_esl';

export async function serveShelfLabelService(_request: ServiceRequest): Promise<void> {
  throw new SyncError('not_found', 'shelf labels are not served yet');
}
