/**
 * UI state of the screens (zustand): start-up, language, what is on screen,
 * sync and devices. The till's own state (cart, member, shift) is the app
 * core's, in till-state.ts.
 */
import { create } from 'zustand';
import type { Outcome } from '@pos/app-core';
import type { DeviceStatus } from '@pos/hardware/protocol';
import type { InitialSyncProgress, SyncStatus } from '@pos/replica';
import type { TerminalLanguage } from '../shared/config';
import type { RefusedTag } from './rfid-counter';

export type Phase =
  { kind: 'starting'; detail: string } | { kind: 'ready' } | { kind: 'failed'; error: string };

/**
 * A message on screen. `text` is the English words, shown as they are in
 * English and whenever the code is unknown; `code` (a domain refusal, hub or
 * device error code), `params` (its variable parts) and `context` (what was
 * being done, a screen phrase) let the UI word it in the screen's language.
 */
export type ScreenMessage = {
  tone: 'info' | 'error';
  text: string;
  code?: string;
  context?: string;
  params?: Record<string, string>;
};

export type PosState = {
  phase: Phase;
  storeName: string;
  currency: string;
  locale: string;
  language: TerminalLanguage;
  /** The store's time zone (IANA), for every time on screen. */
  timeZone: string;
  /**
   * [PI2] Whether a typed phone finds a member: the terminal holds the
   * member index key to hash it with. Without it, members by QR only.
   */
  memberByPhone: boolean;
  paying: boolean;
  message: ScreenMessage | null;
  sync: SyncStatus & { online: boolean };
  /** Facts (sales, returns, shift closes) the sync server has not confirmed yet. */
  waitingUploads: number;
  /** The first download of the catalog, while it runs. */
  initialSync: InitialSyncProgress | null;
  devices: DeviceStatus[];
  /** [TL8] A desk's dialog is open over the sale screen (returns, pickup, parcels, closing). */
  deskOpen: boolean;
  /** [TL9] The RFID tags refused in the cart so far. */
  rfidRefused: RefusedTag[];
  /** [TL10] The EPCs the counter reader read while a return is open. */
  returnTags: ReadonlySet<string>;
  setPhase(phase: Phase): void;
  setPaying(paying: boolean): void;
  showMessage(
    tone: 'info' | 'error',
    text: string,
    about?: Omit<ScreenMessage, 'tone' | 'text'>,
  ): void;
  /** What a use case returned: its refusal, or its last notice; nothing when it said nothing. */
  show(outcome: Outcome<unknown> | null | undefined): void;
  setSync(sync: SyncStatus): void;
  setDevices(devices: DeviceStatus[]): void;
};

export const usePosStore = create<PosState>((set) => ({
  phase: { kind: 'starting', detail: 'Opening the local replica' },
  storeName: '',
  currency: 'CNY',
  locale: 'zh-CN',
  language: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  memberByPhone: true,
  paying: false,
  message: null,
  sync: { active: false, lastError: null, lastSyncAt: null, online: false },
  waitingUploads: 0,
  initialSync: null,
  devices: [],
  deskOpen: false,
  rfidRefused: [],
  returnTags: new Set(),
  setPhase: (phase) => set({ phase }),
  setPaying: (paying) => set({ paying }),
  showMessage: (tone, text, about = {}) => set({ message: { tone, text, ...about } }),
  show: (outcome) => {
    if (!outcome) return;
    if (!outcome.ok) {
      const { ok: _, message, ...about } = outcome;
      set({ message: { tone: 'error', text: message, ...about } });
      return;
    }
    const notice = outcome.notices.find((n) => n.tone === 'error') ?? outcome.notices.at(-1);
    if (notice) set({ message: notice });
  },
  setSync: (sync) => set({ sync: { ...sync, online: sync.lastError === null } }),
  setDevices: (devices) => set({ devices }),
}));
