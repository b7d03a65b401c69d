/** UI state of the checkout screen (zustand). Domain data stays in the replica. */
import { create } from 'zustand';
import { emptyCart, type Cart, type Sale } from '@pos/domain';
import type { DeviceStatus } from '@pos/hardware/protocol';
import type { InitialSyncProgress, SyncStatus } from '@pos/replica';

export type Phase =
  { kind: 'starting'; detail: string } | { kind: 'ready' } | { kind: 'failed'; error: string };

export type PosState = {
  phase: Phase;
  storeName: string;
  currency: string;
  locale: string;
  cart: Cart;
  lastSale: Sale | null;
  paying: boolean;
  message: { tone: 'info' | 'error'; text: string } | null;
  sync: SyncStatus & { online: boolean };
  /** Sales the sync server has not confirmed yet. */
  waitingUploads: number;
  /** The first download of the catalog, while it runs. */
  initialSync: InitialSyncProgress | null;
  devices: DeviceStatus[];
  setPhase(phase: Phase): void;
  setCart(cart: Cart): void;
  setPaying(paying: boolean): void;
  completeSale(sale: Sale, next: Cart): void;
  showMessage(tone: 'info' | 'error', text: string): void;
  setSync(sync: SyncStatus): void;
  setDevices(devices: DeviceStatus[]): void;
};

export const usePosStore = create<PosState>((set) => ({
  phase: { kind: 'starting', detail: 'Opening the local replica' },
  storeName: '',
  currency: 'CNY',
  locale: 'zh-CN',
  cart: emptyCart(),
  lastSale: null,
  paying: false,
  message: null,
  sync: { active: false, lastError: null, lastSyncAt: null, online: false },
  waitingUploads: 0,
  initialSync: null,
  devices: [],
  setPhase: (phase) => set({ phase }),
  setCart: (cart) => set({ cart, lastSale: null }),
  setPaying: (paying) => set({ paying }),
  completeSale: (sale, next) => set({ lastSale: sale, cart: next, paying: false, message: null }),
  showMessage: (tone, text) => set({ message: { tone, text } }),
  setSync: (sync) => set({ sync: { ...sync, online: sync.lastError === null } }),
  setDevices: (devices) => set({ devices }),
}));
