/**
 * `/_transfers/…`: a store's devices list the store's transfers and confirm
 * their steps by scan. A device token only; thin: parse, check, record.
 * See SPEC.md [IV11]-[IV13].
 */
import {
  stepRequestProblems,
  TRANSFER_STATUSES,
  type TransferStatus,
  type TransferStepRequest,
} from '@pos/domain';
import type { ServiceRequest } from '../service-routes';
import { allow } from '../route-guards';
import { SyncError } from '../protocol';
import { listTransfers, recordStep } from './transfers';

export const TRANSFERS_ROUTE = '_transfers';

/** [IV13] An optional `status` query parameter, one of the statuses. */
export function statusParam(query: URLSearchParams): TransferStatus | null {
  const raw = query.get('status');
  if (raw === null) return null;
  if (!(TRANSFER_STATUSES as readonly string[]).includes(raw)) {
    throw new SyncError('bad_request', `status must be one of ${TRANSFER_STATUSES.join(', ')}`);
  }
  return raw as TransferStatus;
}

/**
 * [IV13] `GET /_transfers[?status]`: the device's store's transfers, sent
 * and received. [IV11] `POST /_transfers/<id>/steps` with the step's id as
 * the Idempotency-Key: 200 with the transfer (a replay too); 409 for a step
 * out of order (naming the status) or a step id reused with other content.
 */
export async function serveTransfers(request: ServiceRequest): Promise<void> {
  const { principal, segments } = request;
  if (principal.kind !== 'device') {
    throw new SyncError('forbidden', 'transfer steps are confirmed by a store device');
  }
  if (segments.length === 1) {
    allow(request.method, 'GET');
    const status = statusParam(request.query);
    const transfers = await request.storage.sqlTransaction((q) =>
      listTransfers(q, [principal.storeId], status),
    );
    request.send(200, { transfers });
    return;
  }
  if (segments.length === 3 && segments[2] === 'steps') {
    allow(request.method, 'POST');
    const body = await request.readJson();
    const problems = stepRequestProblems(body);
    if (problems.length) throw new SyncError('bad_request', problems.join('; '));
    const step = body as TransferStepRequest;
    const key = request.header?.('idempotency-key');
    if (key !== step.stepId) {
      throw new SyncError('bad_request', 'send the stepId as the Idempotency-Key header too');
    }
    const now = (request.now?.() ?? new Date()).toISOString();
    const { order } = await recordStep(
      request.storage,
      segments[1]!,
      step,
      { storeId: principal.storeId, deviceId: principal.deviceId },
      now,
    );
    request.send(200, order);
    return;
  }
  throw new SyncError('not_found', `no such endpoint: /${segments.join('/')}`);
}
