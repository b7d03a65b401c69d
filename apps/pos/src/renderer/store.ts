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
  | { kind: 'phone-only'; phone: string };

/** A report shown on screen (the hub prints receipts only). */
export type ShiftReport =
  | { kind: 'x'; shift: OpenShift; totals: ShiftTotals; at: string; expectedCash: number }
  | { kind: 'z'; fact: ShiftFact };

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
  lastReturn: ReturnFact | null;
  /** A return in progress: the original sale and its earlier returns. */
  returning: { sale: SaleFact; previous: ReturnFact[] } | null;
  paying: boolean;
  message: { tone: 'info' | 'error'; text: string } | null;
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
  showMessage(tone: 'info' | 'error', text: string): void;
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
  showMessage: (tone, text) => set({ message: { tone, text } }),
  setSync: (sync) => set({ sync: { ...sync, online: sync.lastError === null } }),
  setDevices: (devices) => set({ devices }),
}));
