/** What the use cases are given: the replica, the outbox, the devices, the state, time and ids. */
import type { CashRounding, EarnRule, RedemptionRule } from '@pos/domain';
import type { PosBridge } from '@pos/hardware/protocol';
import type { Outbox, TillReplica } from '@pos/replica';
import type { StateStore, TillState } from './state';

/** The part of a device's configuration the use cases need. */
export type TillConfig = {
  storeId: string;
  deviceId: string;
  currency: string;
  receiptColumns: 32 | 48;
  /** Cash rounding (抹零) of what cash completes; none when absent. */
  cashRounding?: CashRounding;
  /** The store's offset from UTC in minutes, for promotion windows; default 480 (China). */
  utcOffsetMinutes?: number;
  /** Keys that verify receipt, coupon and member codes (hex secrets), newest first. */
  codeKeys?: { id: string; secretHex: string }[];
  /**
   * [PI2] The chain's blind-index key (hex secret), from the device's
   * provisioning: a typed phone is hashed with it on the device. Without it
   * the till finds members by member QR only.
   */
  memberIndexKey?: { id: string; secretHex: string };
  earnRules?: EarnRule[];
  redemption?: RedemptionRule;
  /**
   * [PU1] [PU3] The store's pickup keys (hex secrets), newest first, from the
   * device's provisioning, never synced: a typed 6-digit pickup code is
   * matched with them. Without them, orders are found by their QR only.
   */
  pickupStoreKeys?: { id: string; secretHex: string }[];
  /**
   * [PU4] The chain's pickup QR keys (hex secrets), newest first: a scanned
   * pickup or order QR is verified with them, offline.
   */
  pickupQrKeys?: { id: string; secretHex: string }[];
  /**
   * [RK1] The counter's RFID reader (its device id, or `reader#antenna`):
   * only its tag reads ring up a sale.
   */
  rfidCheckoutReader?: string;
};

/**
 * The devices the use cases drive, through the hub. `printLabel` is absent
 * where the hub has no label printer support: the fulfilment desk says so.
 */
export type DeviceBridge = Pick<
  PosBridge,
  'printReceipt' | 'printDocument' | 'openDrawer' | 'printLabel'
>;

export type TillPorts = {
  replica: TillReplica;
  outbox: Pick<Outbox, 'record'>;
  devices: DeviceBridge;
  config: TillConfig;
  state: StateStore<TillState>;
  /** The time now. */
  clock: () => Date;
  /** A new fact id (unique, prefixed with the device id). */
  newId: () => string;
  /** The language printed documents are in (the screen's). */
  language: () => 'zh-CN' | 'en';
};
