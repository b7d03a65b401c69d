/** UI state of the checkout screen (zustand). Domain data stays in the replica. */
import { create } from 'zustand';
import {
  newCheckout,
  type CheckoutCart,
  type CheckoutPricing,
  type OpenShift,
  type ReturnFact,
  type SaleFact,
  type ShiftFact,
  type ShiftTotals,
  type Staff,
} from '@pos/domain';
import type { DeviceStatus } from '@pos/hardware/protocol';
import type { InitialSyncProgress, SyncStatus } from '@pos/replica';
import type { TerminalLanguage } from '../shared/config';

export type Phase =
  { kind: 'starting'; detail: string } | { kind: 'ready' } | { kind: 'failed'; error: string };

/** The member attached to the cart, as the till knows them. */
export type CartMember =
  | { kind: 'known'; id: string; name: string; tier: string; points: number; phone: string }
  /** Not found offline: the phone is recorded on the sale and the server attaches it. */
  | { kind: 'phone-only'; phone: string }
  /** A signed member QR of a member this till does not hold: the sale carries the id. */
  | { kind: 'id-only'; id: string };

/** A report shown on screen (and printed). */
export type ShiftReport =
  | { kind: 'x'; shift: OpenShift; totals: ShiftTotals; at: string; expectedCash: number }
  | { kind: 'z'; fact: ShiftFact };

/**
 * A message on screen. `text` is the English words, shown as they are in
 * English and whenever the code is unknown; `code` (a domain refusal, hub or
 * device error code) and `context` (what was being done, a screen phrase)
 * let i18n.ts word it in the screen's language.
 */
export type ScreenMessage = {
  tone: 'info' | 'error';
  text: string;
  code?: string;
  context?: string;
};

export type PosState = {
  phase: Phase;
  storeName: string;
  currency: string;
  locale: string;
  language: TerminalLanguage;
  cart: CheckoutCart;
  /** The cart priced with the replica's promotions; null while empty. */
  pricing: CheckoutPricing | null;
  member: CartMember | null;
  lastSale: SaleFact | null;
  /** The last sale's member as the receipt shows them (balance after the sale). */
  lastSaleMember: { name: string; pointsBalance: number } | null;
  /** The last sale's overridden lines as its cart held them: list price and approver's id. */
  lastSaleOverrides: { lineId: string; listPrice: number; by: string }[];
  lastReturn: ReturnFact | null;
  /** A return in progress: the original sale and its earlier returns. */
  returning: { sale: SaleFact; previous: ReturnFact[] } | null;
  paying: boolean;
  message: ScreenMessage | null;
  /** The signed-in cashier; null shows the sign-in screen. */
  staff: Staff | null;
  shift: OpenShift | null;
  report: ShiftReport | null;
  /** Carts put aside (挂单), newest last. */
  suspended: { id: string; at: string; lines: number; label: string }[];
  sync: SyncStatus & { online: boolean };
  /** Facts (sales, returns, shift closes) the sync server has not confirmed yet. */
  waitingUploads: number;
  /** The first download of the catalog, while it runs. */
  initialSync: InitialSyncProgress | null;
  devices: DeviceStatus[];
  setPhase(phase: Phase): void;
  setCart(cart: CheckoutCart, pricing: CheckoutPricing | null): void;
  setPaying(paying: boolean): void;
  completeSale(sale: SaleFact, next: CheckoutCart): void;
  showMessage(
    tone: 'info' | 'error',
    text: string,
    about?: { code?: string | undefined; context?: string },
  ): void;
  /** An error said in words: "context: what went wrong", with the error's code when it has one. */
  showError(context: string | null, error: unknown): void;
  setSync(sync: SyncStatus): void;
  setDevices(devices: DeviceStatus[]): void;
};

export const usePosStore = create<PosState>((set) => ({
  phase: { kind: 'starting', detail: 'Opening the local replica' },
  storeName: '',
  currency: 'CNY',
  locale: 'zh-CN',
  language: 'zh-CN',
  cart: newCheckout('CNY'),
  pricing: null,
  member: null,
  lastSale: null,
  lastSaleMember: null,
  lastSaleOverrides: [],
  lastReturn: null,
  returning: null,
  paying: false,
  message: null,
  staff: null,
  shift: null,
  report: null,
  suspended: [],
  sync: { active: false, lastError: null, lastSyncAt: null, online: false },
  waitingUploads: 0,
  initialSync: null,
  devices: [],
  setPhase: (phase) => set({ phase }),
  setCart: (cart, pricing) =>
    set(
      cart.lines.length > 0
        ? { cart, pricing, lastSale: null, lastReturn: null }
        : { cart, pricing },
    ),
  setPaying: (paying) => set({ paying }),
  completeSale: (sale, next) =>
    set({
      lastSale: sale,
      cart: next,
      pricing: null,
      member: null,
      paying: false,
      message: null,
    }),
  showMessage: (tone, text, about = {}) =>
    set({
      message: {
        tone,
        text,
        ...(about.code ? { code: about.code } : {}),
        ...(about.context ? { context: about.context } : {}),
      },
    }),
  showError: (context, error) => {
    const words = error instanceof Error ? error.message : String(error);
    const code = errorCode(error);
    set({
      message: {
        tone: 'error',
        text: context ? `${context}: ${words}` : words,
        ...(code ? { code } : {}),
        ...(context ? { context } : {}),
      },
    });
  },
  setSync: (sync) => set({ sync: { ...sync, online: sync.lastError === null } }),
  setDevices: (devices) => set({ devices }),
}));

/** The code a domain, hub or device error carries (`DomainError`, `HubRequestError`, ...), if any. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]*$/.test(code) ? code : undefined;
}
