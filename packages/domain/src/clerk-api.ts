/**
 * The clerk API's wire contract: what the clerk's tablet sends to the sync
 * server's `/_clerk/` routes and what it gets back. One definition, imported
 * by the server (which answers) and the app core (which asks). Every route
 * takes the tablet's device token (bound to its store); errors are the
 * server's usual `{ error, reason }` bodies with the status below.
 *
 * - `GET  /_clerk/stock?style=<styleId>[&sku=<sku>][&limit=N]` → ChainStockAnswer [TB1]
 * - `POST /_clerk/orders` (header `Idempotency-Key` = request id) body
 *   ClerkOrderRequest → 201 ClerkOrderAnswer; 409 `OUT_OF_STOCK` /
 *   `NOT_ROUTABLE` / `PRICE_CHANGED` naming the lines; 400 invalid [TB2]
 * - `GET  /_clerk/orders/<id>` → ClerkOrderAnswer [TB2]
 * - `POST /_clerk/orders/<id>/pay` → 201 ClerkPayment (a pay QR the customer scans) [TB3]
 * - `GET  /_clerk/commission?staffId=<id>` → ClerkCommissionAnswer [TB4]
 * - `POST /_clerk/credit-edits` body CreditEdit → 200 `{ entries }`; 409 `CREDIT_STALE`; 400 [TB5]
 * - `POST /_clerk/members` body ClerkNewMember → 201 ClerkMemberAnswer (or 200 when the phone is a member already) [TB6]
 * - `GET  /_clerk/members?phoneIndex=<hex>` → ClerkMemberAnswer, 404 when none [TB6]
 * - `POST /_clerk/addresses` body ClerkNewAddress → 201 `{ addressId, label }` [TB7]
 */
import type { ClerkPeriod, CommissionEntry, CreditEdit, LineCredit } from './commission';
import type { Fulfilment, OrderCustomer, OrderStatus } from './orders';
import type { StoreStyleStock } from './styles';

/** [TB1] A style's stock across the chain, as the server has it at `asOf`. */
export type ChainStockAnswer = {
  styleId: string;
  asOf: string;
  /** The asking store's ATP by SKU. */
  here: { storeId: string; atp: Record<string, number> };
  /** Other stores nearest first ([VG4]), each with the style's ATP by SKU. */
  stores: StoreStyleStock[];
};

/** [TB2] A line of an order a clerk places: pickup or delivery (take-now lines go to a till by code). */
export type ClerkOrderLine = {
  lineId: string;
  sku: string;
  quantity: number;
  fulfilment: Exclude<Fulfilment, { mode: 'take-now' }>;
  credits: LineCredit[];
};

/** [TB2] An order a clerk places for a customer; priced on the server by the till's engine. */
export type ClerkOrderRequest = {
  /** Made on the tablet (`<deviceId>-<ulid>`); also the Idempotency-Key, so a retry never orders twice. */
  requestId: string;
  /** The signed-in clerk. */
  staffId: string;
  customer: OrderCustomer;
  lines: ClerkOrderLine[];
  /** Fen the tablet showed the customer; a different server price is a 409 `PRICE_CHANGED` naming the lines. */
  expectedTotal?: number;
  /** When the clerk pressed "order" (the order is placed when the server gets it). */
  createdAt: string;
};

/** [TB2] An order as the clerk's tablet shows it. */
export type ClerkOrderView = {
  id: string;
  /** [OD12] The number people read. */
  number: string;
  status: OrderStatus;
  total: number;
  placedAt: string;
  holdExpiresAt?: string;
  paidAt?: string;
  pickupDeadline?: string;
  lines: {
    lineId: string;
    sku: string;
    name: string;
    quantity: number;
    net: number;
    fulfilment: Fulfilment;
    /** The pickup store's or delivering locations' names, for the clerk to say. */
    where: string;
    credits: LineCredit[];
  }[];
  attributionStoreId: string;
};

export type ClerkOrderAnswer = { order: ClerkOrderView; now: string };

/** [TB3] What the customer scans to pay (the provider's page), and the provider's reference. */
export type ClerkPayment = { providerTxnId: string; payUrl: string; qrPayload: string };

/** [TB4] A credited line of the clerk's month, with its credit now, for the clerk and a supervisor. */
export type CreditedLineView = {
  source: string;
  lineId: string;
  sku: string;
  name: string;
  net: number;
  remainingNet: number;
  credits: LineCredit[];
  soldAt: string;
  attributionStoreId: string;
  fulfilmentStoreId: string;
};

/** [TB4] [CM9] A clerk's own figures. */
export type ClerkCommissionAnswer = {
  staffId: string;
  now: string;
  day: ClerkPeriod;
  month: ClerkPeriod;
  /** This month's entries, newest first (at most 200). */
  entries: CommissionEntry[];
  /** This month's lines credited to the clerk, newest first (at most 200). */
  lines: CreditedLineView[];
};

/** [TB5] A credit edit as the tablet sends it (approved by a supervisor's PIN on the tablet). */
export type ClerkCreditEdit = CreditEdit;

/** [TB6] A new member, with the customer's consent asked on their own phone. */
export type ClerkNewMember = {
  /** Sent over HTTPS once; stored only sealed on the server, never on the tablet. */
  phone: string;
  name?: string;
  staffId: string;
};

/** [TB6] A member as a tablet may hold it: masked, with the consent page's one-time URL when new. */
export type ClerkMemberAnswer = {
  memberId: string;
  maskedPhone: string;
  maskedName?: string;
  tier?: string;
  existing: boolean;
  /** [CS2] The consent page the customer opens on their phone (a QR on the tablet). */
  consentUrl?: string;
};

/** [TB7] A delivery address the clerk types for a member; sealed on the server like the shop's. */
export type ClerkNewAddress = {
  memberId: string;
  regionCode: string;
  street: string;
  name: string;
  phone: string;
};

/**
 * [CL1] An answer of the sync server's clerk routes: the value, or why not.
 * `offline`: no answer came (no network, a timeout, the server down); else
 * the server refused with a status and a code the screens translate.
 */
export type ClerkServerAnswer<T> =
  | { ok: true; value: T }
  | { ok: false; offline: true; reason: string }
  | {
      ok: false;
      offline: false;
      status: number;
      code: string;
      reason: string;
      details?: unknown;
    };

/** [CL1] The clerk routes as a device calls them: the replica's HTTP client implements it, the app core uses it. */
export type ClerkServer = {
  chainStock(
    styleId: string,
    options?: { sku?: string; limit?: number },
  ): Promise<ClerkServerAnswer<ChainStockAnswer>>;
  placeOrder(request: ClerkOrderRequest): Promise<ClerkServerAnswer<ClerkOrderAnswer>>;
  order(orderId: string): Promise<ClerkServerAnswer<ClerkOrderAnswer>>;
  pay(orderId: string): Promise<ClerkServerAnswer<ClerkPayment>>;
  commission(staffId: string): Promise<ClerkServerAnswer<ClerkCommissionAnswer>>;
  editCredit(edit: ClerkCreditEdit): Promise<ClerkServerAnswer<{ entries: CommissionEntry[] }>>;
  newMember(member: ClerkNewMember): Promise<ClerkServerAnswer<ClerkMemberAnswer>>;
  findMember(phoneIndex: string): Promise<ClerkServerAnswer<ClerkMemberAnswer>>;
  newAddress(
    address: ClerkNewAddress,
  ): Promise<ClerkServerAnswer<{ addressId: string; label: string }>>;
};
