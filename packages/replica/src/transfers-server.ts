/**
 * The transfer routes of the sync server (`/_transfers/`, @pos/domain
 * console-api.ts) as a store's tablet asks them: the store's transfers, and
 * a step confirmed by scan, sent with its step id as the Idempotency-Key so
 * that sending it again (after no answer came) records it once. Like the
 * clerk and RFID routes: the device's token and the sync contract's
 * versions, a timeout, and every answer as the value, "offline" or the
 * server's refusal with its status and code. Never throws. See the app
 * core's [CL15]-[CL19].
 */
import type {
  ClerkServerAnswer,
  StoreTransferDoc,
  TransferList,
  TransferOrder,
  TransferStatus,
  TransferStepRequest,
} from '@pos/domain';
import type { ReplicaDatabase } from './database';
import { createDeviceRequest, type DeviceRequestOptions } from './device-request';

/** [CL15] The `/_transfers/` routes a tablet asks. */
export type TransfersServer = {
  /** `GET /_transfers[?status]`: the store's transfers, sent and received. */
  list(status?: TransferStatus): Promise<ClerkServerAnswer<TransferList>>;
  /** `POST /_transfers/<id>/steps` with `Idempotency-Key` = `stepId`: the transfer after the step. */
  confirmStep(
    transferId: string,
    request: TransferStepRequest,
  ): Promise<ClerkServerAnswer<TransferOrder>>;
};

/** [CL15] The `/_transfers/` routes over HTTP. */
export function createHttpTransfersServer(options: DeviceRequestOptions): TransfersServer {
  const ask = createDeviceRequest(options);
  return {
    list: (status) =>
      ask('GET', status === undefined ? '/_transfers' : `/_transfers?status=${status}`),
    confirmStep: (transferId, request) =>
      ask('POST', `/_transfers/${encodeURIComponent(transferId)}/steps`, request, {
        'Idempotency-Key': request.stepId,
      }),
  };
}

/**
 * [CL15] The store's transfers as replication last brought them (the
 * `storeState` documents of kind `transfer`): what the tablet shows when the
 * server cannot be asked.
 */
export async function storeTransfers(
  db: ReplicaDatabase,
  storeId: string,
): Promise<TransferOrder[]> {
  const docs = await db.storeState.find({ selector: { kind: 'transfer', storeId } }).exec();
  return docs.map((d) => (d.toJSON() as unknown as StoreTransferDoc).transfer);
}
