/**
 * The hub protocol's version, for clients and the hub alike. Browser-safe:
 * no imports. Bump it when a message changes incompatibly, and raise the
 * hub's `minClientVersion` when old clients can no longer be served.
 * 1: scans, device status, print and drawer requests (no hello).
 * 2: adds `hub:hello`, `hub:refused`, `rfid:tag-read` and device problems.
 * 3: the print request carries the domain's `SaleReceipt` (with `language`
 *    and `jobId`); its reply says whether it printed or waits in the queue
 *    (`print`); printer statuses count `queuedReceipts`. Older clients'
 *    print requests fail with BAD_REQUEST; a hub refuses them outright with
 *    `minClientVersion: 3`.
 * 4: adds `printer:print-document` (X and Z reports, refund receipts), and
 *    a receipt line may carry its price `override`. Older clients are served
 *    as before: they never send either.
 * 5: adds `printer:print-label` (a shipping label on the label printer, a
 *    device of kind `label-printer`) and the `packing-slip` document. Older
 *    clients are served as before: they never send either.
 * 6: adds the store's zones and fitting rooms: the events `zone:event` and
 *    `fitting-rooms:changed` (sent to clients of protocol 6 and newer), the
 *    requests `fitting-rooms:get`, `tryon:link-member` and `zone:tags`, and
 *    the device kind `fitting-rooms`. Older clients are served as before:
 *    they never ask these and get none of the new events.
 */
export const HUB_PROTOCOL_VERSION = 6;

/** The query parameter a client names its protocol version in: `/hub?protocol=2`. */
export const PROTOCOL_QUERY_PARAM = 'protocol';

/** WebSocket close code sent with `hub:refused` (4000-4999 is for applications). */
export const CLOSE_PROTOCOL_MISMATCH = 4426;
