/**
 * The clerk routes of the sync server (`/_clerk/`, @pos/domain clerk-api.ts)
 * over HTTP, as the clerk's tablet asks them: with the device's token and
 * the sync contract's versions (sync-headers.ts), a timeout, and every
 * answer as the value, "offline" (no answer came: no network, a timeout,
 * the server down or an answer that could not be read) or the server's
 * refusal with its status and code. Never throws. It is the domain's
 * `ClerkServer`, which the app core's clerk desk is given.
 */
import type { ClerkServer } from '@pos/domain';
import { createDeviceRequest, type DeviceRequestOptions } from './device-request';

export { CLERK_REQUEST_TIMEOUT_MS } from './device-request';

/** The clerk routes over HTTP ([CL1]); the shape is the domain's `ClerkServer`. */
export type HttpClerkServer = ClerkServer;

export type HttpClerkServerOptions = DeviceRequestOptions;

/** [CL1] The `/_clerk/` routes over HTTP. */
export function createHttpClerkServer(options: HttpClerkServerOptions): HttpClerkServer {
  const ask = createDeviceRequest(options);
  const id = encodeURIComponent;
  return {
    chainStock: (styleId, query = {}) => {
      const params = new URLSearchParams({ style: styleId });
      if (query.sku !== undefined) params.set('sku', query.sku);
      if (query.limit !== undefined) params.set('limit', String(query.limit));
      return ask('GET', `/_clerk/stock?${params.toString()}`);
    },
    placeOrder: (request) =>
      ask('POST', '/_clerk/orders', request, { 'Idempotency-Key': request.requestId }),
    order: (orderId) => ask('GET', `/_clerk/orders/${id(orderId)}`),
    pay: (orderId) => ask('POST', `/_clerk/orders/${id(orderId)}/pay`, {}),
    commission: (staffId) => ask('GET', `/_clerk/commission?staffId=${id(staffId)}`),
    editCredit: (edit) => ask('POST', '/_clerk/credit-edits', edit),
    newMember: (member) => ask('POST', '/_clerk/members', member),
    findMember: (phoneIndex) => ask('GET', `/_clerk/members?phoneIndex=${id(phoneIndex)}`),
    newAddress: (address) => ask('POST', '/_clerk/addresses', address),
  };
}
