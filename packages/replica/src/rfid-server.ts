/**
 * The RFID routes of the sync server (`/_rfid/`, @pos/domain rfid-api.ts)
 * as the clerk's tablet asks them: a member's tried items, suggestions,
 * counts and their approval. Like the clerk routes (clerk-server.ts): the
 * device's token and the sync contract's versions, a timeout, and every
 * answer as the value, "offline" (no answer came) or the server's refusal
 * with its status and code. Never throws. The app core's fitting-room and
 * count use cases are given it ([FM1]).
 */
import type {
  ApproveCountRequest,
  ClerkServerAnswer,
  CountAnswer,
  CountRequest,
  MemberTryOnsAnswer,
  SuggestionsAnswer,
} from '@pos/domain';
import { createDeviceRequest, type DeviceRequestOptions } from './device-request';

/** An answer of the RFID routes: the same three shapes as the clerk routes'. */
export type RfidServerAnswer<T> = ClerkServerAnswer<T>;

/** [FM1] The `/_rfid/` routes a tablet asks. */
export type RfidServer = {
  /** `GET /_rfid/tryons?member=[&since=]`: the member's tried items at this store. */
  memberTryOns(memberId: string, since?: string): Promise<RfidServerAnswer<MemberTryOnsAnswer>>;
  /** `GET /_rfid/suggestions?skus=` (no personal data) or `?member=` (only with consent). */
  suggestions(
    query: { skus: string[] } | { member: string },
  ): Promise<RfidServerAnswer<SuggestionsAnswer>>;
  /** `POST /_rfid/counts` with `Idempotency-Key` = the count's id: the same count again answers the same draft. */
  submitCount(request: CountRequest): Promise<RfidServerAnswer<CountAnswer>>;
  /** `POST /_rfid/counts/<countId>/approve`. */
  approveCount(
    countId: string,
    approval: ApproveCountRequest,
  ): Promise<RfidServerAnswer<CountAnswer>>;
};

export type HttpRfidServerOptions = DeviceRequestOptions;

/** [FM1] The `/_rfid/` routes over HTTP. */
export function createHttpRfidServer(options: HttpRfidServerOptions): RfidServer {
  const ask = createDeviceRequest(options);
  const id = encodeURIComponent;
  return {
    memberTryOns: (memberId, since) => {
      const params = new URLSearchParams({ member: memberId });
      if (since !== undefined) params.set('since', since);
      return ask('GET', `/_rfid/tryons?${params.toString()}`);
    },
    suggestions: (query) => {
      const params =
        'skus' in query
          ? new URLSearchParams({ skus: query.skus.join(',') })
          : new URLSearchParams({ member: query.member });
      return ask('GET', `/_rfid/suggestions?${params.toString()}`);
    },
    submitCount: (request) =>
      ask('POST', '/_rfid/counts', request, { 'Idempotency-Key': request.countId }),
    approveCount: (countId, approval) =>
      ask('POST', `/_rfid/counts/${id(countId)}/approve`, approval),
  };
}
