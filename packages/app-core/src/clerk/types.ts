/**
 * The clerk's tablet: the use cases a clerk on the shop floor runs, over
 * injected ports, in the same app core as the till's. Sign-in, approvals,
 * search, this store's stock and the pickup desk are the till's own use
 * cases (session.ts, lookups.ts, pickup-desk.ts) over the same ports; this
 * folder adds what only a clerk does: a style's sizes here and across the
 * chain, an order for a customer mixing take-now, pickup and delivery
 * lines, its pay QR, the order queue that survives no network, and the
 * clerk's own commission. See SPEC.md [CL1]-[CL12].
 */
import type {
  ClerkServer,
  ClerkServerAnswer,
  ClerkCommissionAnswer,
  ClerkMemberAnswer,
  ClerkNewAddress,
  ClerkOrderRequest,
  ClerkOrderView,
  ClerkPayment,
  CommissionEntry,
  CreditedLineView,
  LineCredit,
  Product,
  Style,
  StyleGrid,
  StoreStyleStock,
} from '@pos/domain';
import type { Outcome } from '../outcome';
import type { TillPorts } from '../ports';

/** [CL1] The server's answers and its clerk routes are the domain's wire contract (clerk-api.ts). */
export type ServerAnswer<T> = ClerkServerAnswer<T>;
export type { ClerkServer };

/**
 * [CL2] What the tablet keeps on the device beside its replica (IndexedDB,
 * never synced): queued orders, the last answers it showed (chain stock,
 * commission), so they show offline marked as such. Values are JSON.
 */
export type ClerkLocalStore = {
  get<T>(key: string): Promise<T | null>;
  set<T>(key: string, value: T): Promise<void>;
  remove(key: string): Promise<void>;
  /** Keys that start with `prefix`, in key order. */
  keys(prefix: string): Promise<string[]>;
};

/** [CL1] The till's ports, plus the server's clerk routes, the device's own store and whether it is online. */
export type ClerkPorts = TillPorts & {
  server: ClerkServer;
  local: ClerkLocalStore;
  /** Whether the device believes it is online (navigator.onLine and the replication's state). */
  online: () => boolean;
};

/** [CL3] A product found by a scan (barcode, GTIN, EPC), a typed SKU or a search, with its style. */
export type ClerkFound = {
  product: Product;
  /** Fen, from the store's price list; null when it has no price. */
  unitPrice: number | null;
  style: Style | null;
  /** The colour and size of the found SKU when it is a variant. */
  variant: { colour: string; size: string } | null;
};

/** [CL4] Other stores' figures for a style: live from the server, or the last answer, marked. */
export type ChainStockView =
  | {
      state: 'live' | 'stale';
      asOf: string;
      stores: StoreStyleStock[];
      /** Why the figures are not live (offline, the server refused), in English; the screen words it. */
      reason?: string;
    }
  | { state: 'none'; reason: string };

/** [CL5] How a line of the clerk's cart reaches the customer. */
export type ClerkLineMode =
  | { mode: 'take-now' }
  | { mode: 'pickup'; storeId: string; storeName: string }
  | { mode: 'ship'; addressId: string; label: string }
  | { mode: 'same-city'; addressId: string; label: string };

export type ClerkCartLine = {
  lineId: string;
  sku: string;
  name: string;
  /** Colour and size, when a variant. */
  variant: { colour: string; size: string } | null;
  quantity: number;
  /** Fen per unit from the store's price list (the server prices again, [TB2]). */
  unitPrice: number;
  fulfilment: ClerkLineMode;
  /** [CM1] Default: the signed-in clerk, whole ([CM2]). */
  credits: LineCredit[];
};

/** [CL6] The customer an order is for: a member (by id) or a phone's blind index, shown masked. */
export type ClerkCustomer = {
  memberId?: string;
  phoneIndex?: string;
  maskedPhone: string;
  maskedName?: string;
  tier?: string;
};

/** [CL5] The clerk's cart: lines of three kinds for one customer. */
export type ClerkCart = {
  /** Made on the tablet, upper case, fits a take-now code ([TK1]). */
  cartId: string;
  customer: ClerkCustomer | null;
  lines: ClerkCartLine[];
};

/** [CL5] The cart's figures the clerk tells the customer. */
export type ClerkCartTotals = {
  /** Fen, by the till's pricing engine (promotions, member tier). */
  total: number;
  takeNow: number;
  ordered: number;
  lines: { lineId: string; net: number }[];
};

/** [CL8] An order waiting on the device for the network, or its outcome once sent. */
export type QueuedOrder = {
  request: ClerkOrderRequest;
  state: 'queued' | 'placed' | 'failed';
  /** Placed: the order. */
  order?: ClerkOrderView;
  /** Failed: the server's code and reason (out of stock, price changed, ...). */
  code?: string;
  reason?: string;
  attempts: number;
  lastTriedAt?: string;
};

/** [CL7] What sending the cart did. */
export type ClerkSubmitted = {
  /** [TK1] The take-now lines' code for a till to scan; absent when the cart has none. */
  takeNowCode?: string;
  /** The order of the pickup and delivery lines, placed now... */
  order?: ClerkOrderView;
  /** ...or queued until the network is back ([CL8]). */
  queued?: QueuedOrder;
};

/** [CL10] The clerk's commission: live, or the last answer marked stale. */
export type ClerkCommissionView =
  | { state: 'live' | 'stale'; answer: ClerkCommissionAnswer; reason?: string }
  | { state: 'none'; reason: string };

/** [CL1] Everything a clerk does that a till does not. */
export type ClerkDesk = {
  /** [CL3] A scan (barcode, GTIN, EPC hex from the RFID reader) or typed text: the products it finds. */
  find(text: string): Promise<Outcome<ClerkFound[]>>;
  /** [CL3] One SKU, with its style. */
  product(sku: string): Promise<Outcome<ClerkFound>>;
  /** [CL4] [VG2] The style's grid at this store, from the replica (offline too). */
  stockHere(style: Style): Promise<StyleGrid>;
  /** [CL4] [VG4] [VG5] Other stores nearest first: live when online, else the last answer marked stale. */
  chainStock(style: Style, sku?: string): Promise<ChainStockView>;

  /** [CL5] A new, empty cart. */
  newCart(): ClerkCart;
  /** [CL5] Adds a line (merging the same SKU and fulfilment), credited to the signed-in clerk. */
  addLine(
    cart: ClerkCart,
    found: ClerkFound,
    quantity: number,
    fulfilment: ClerkLineMode,
  ): Outcome<ClerkCart>;
  setQuantity(cart: ClerkCart, lineId: string, quantity: number): Outcome<ClerkCart>;
  setFulfilment(cart: ClerkCart, lineId: string, fulfilment: ClerkLineMode): Outcome<ClerkCart>;
  /** [CM1] Refused unless the credit is valid. */
  setCredits(cart: ClerkCart, lineId: string, credits: LineCredit[]): Outcome<ClerkCart>;
  removeLine(cart: ClerkCart, lineId: string): ClerkCart;
  /** [CL5] The cart priced by the till's engine, for the customer. */
  totals(cart: ClerkCart): Promise<ClerkCartTotals>;

  /** [CL6] A member by the phone the customer says (hashed on the device), this store's or the chain's. */
  memberByPhone(cart: ClerkCart, phone: string): Promise<Outcome<ClerkCart>>;
  /** [CL6] A member by the QR code on their phone. */
  memberByQr(cart: ClerkCart, code: string): Promise<Outcome<ClerkCart>>;
  /** [CL6] [TB6] A new member; the answer carries the consent page for the customer's phone. */
  newMember(
    cart: ClerkCart,
    phone: string,
    name?: string,
  ): Promise<Outcome<{ cart: ClerkCart; member: ClerkMemberAnswer }>>;
  /** [TB7] A delivery address for the cart's member. */
  newAddress(
    cart: ClerkCart,
    address: Omit<ClerkNewAddress, 'memberId'>,
  ): Promise<Outcome<{ addressId: string; label: string }>>;

  /**
   * [CL7] Sends the cart: the take-now lines become a take-now code; the
   * pickup and delivery lines an order, placed now when online, else queued
   * ([CL8]). Refused (nothing sent) when the cart is empty, an order has no
   * customer, or a line cannot travel.
   */
  submit(cart: ClerkCart): Promise<Outcome<ClerkSubmitted>>;
  /** [CL9] The pay QR for a held order. */
  pay(orderId: string): Promise<Outcome<ClerkPayment>>;
  /** [CL9] The order as the server has it now. */
  order(orderId: string): Promise<Outcome<ClerkOrderView>>;

  /** [CL8] Orders on the device: queued, and the outcomes of those sent since. */
  queue(): Promise<QueuedOrder[]>;
  /** [CL8] Tries every queued order once (same Idempotency-Key); returns the queue after. */
  flush(): Promise<QueuedOrder[]>;
  /** [CL8] Clears a placed or failed order from the list once the clerk has seen it. */
  dismiss(requestId: string): Promise<void>;

  /** [CL10] The signed-in clerk's day and month. */
  commission(staffId: string): Promise<ClerkCommissionView>;
  /**
   * [CL11] [CM8] A supervisor's credit edit of a credited line: approved by
   * the supervisor's id and PIN on the tablet (the till's approval rule),
   * with a reason; sent to the server (online only).
   */
  editCredit(
    line: CreditedLineView,
    after: LineCredit[],
    reason: string,
    approval: { supervisorId: string; pin: string },
  ): Promise<Outcome<{ entries: CommissionEntry[] }>>;
};
