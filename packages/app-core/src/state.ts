/**
 * The till's state the use cases read and change: the cart, its member, the
 * signed-in staff member, the shift and what was just sold or refunded. A
 * small observable store with no framework; a React screen reads it with
 * `useSyncExternalStore`.
 */
import {
  newCheckout,
  type CheckoutCart,
  type CheckoutPricing,
  type OpenShift,
  type ReturnDraft,
  type ReturnFact,
  type SaleFact,
  type ShiftReportOnScreen,
  type Staff,
} from '@pos/domain';
import type { ParcelDraft } from './fulfilment';
import type { OrderReturnDraft, PickupDraft } from './pickup-desk';

/**
 * The member attached to the cart, as the till knows them: masked, never a
 * name or phone in plaintext ([PI1]), since a cart put aside is stored.
 */
export type CartMember =
  | {
      kind: 'known';
      id: string;
      /** [PV1] e.g. `张*`. */
      maskedName: string;
      /** [PV2] e.g. `138****8001`. */
      maskedPhone: string;
      tier: string;
      points: number;
      /** The phone's blind index when the till has it: the points check names the member by it. */
      phoneIndex?: string;
    }
  /**
   * Not found offline: the phone's blind index is recorded on the sale and
   * the server attaches it ([PI4]); the masked phone is what the screen shows.
   */
  | { kind: 'phone-only'; phoneIndex: string; maskedPhone: string }
  /** A signed member QR of a member this till does not hold: the sale carries the id. */
  | { kind: 'id-only'; id: string };

/** A report shown on screen (and printed). */
export type ShiftReport = ShiftReportOnScreen;
export type { ReturnDraft };

export type SuspendedSummary = { id: string; at: string; lines: number; label: string };

export type TillState = {
  cart: CheckoutCart;
  /** The cart priced with the replica's promotions; null while empty. */
  pricing: CheckoutPricing | null;
  member: CartMember | null;
  lastSale: SaleFact | null;
  /** The last sale's member as the receipt shows them: masked name, balance after the sale. */
  lastSaleMember: { name: string; pointsBalance: number } | null;
  /** The last sale's overridden lines as its cart held them: list price and approver's id. */
  lastSaleOverrides: { lineId: string; listPrice: number; by: string }[];
  lastReturn: ReturnFact | null;
  returning: ReturnDraft | null;
  /** The signed-in staff member; null until someone signs in. */
  staff: Staff | null;
  shift: OpenShift | null;
  report: ShiftReport | null;
  /** Carts put aside (挂单), newest last. */
  suspended: SuspendedSummary[];
  /** The online order open at the pickup desk. */
  pickup: PickupDraft | null;
  /** An online order's return in progress. */
  orderReturn: OrderReturnDraft | null;
  /** The cashier asked to return an online order: a scanned order QR opens its return. */
  awaitingOrderReturnScan: boolean;
  /** The parcel open at the fulfilment desk: scans pick its items. */
  parcel: ParcelDraft | null;
  /** [TT4] Names of the staff credited on take-now lines (staff id to name), for the screen. */
  creditNames: Record<string, string>;
};

export function initialTillState(currency = 'CNY'): TillState {
  return {
    cart: newCheckout(currency),
    pricing: null,
    member: null,
    lastSale: null,
    lastSaleMember: null,
    lastSaleOverrides: [],
    lastReturn: null,
    returning: null,
    staff: null,
    shift: null,
    report: null,
    suspended: [],
    pickup: null,
    orderReturn: null,
    awaitingOrderReturnScan: false,
    parcel: null,
    creditNames: {},
  };
}

export type StateStore<S> = {
  get(): S;
  set(patch: Partial<S>): void;
  subscribe(listener: () => void): () => void;
};

export function createStateStore<S extends object>(initial: S): StateStore<S> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(patch) {
      state = { ...state, ...patch };
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
