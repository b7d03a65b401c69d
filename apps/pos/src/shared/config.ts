/** What a terminal needs to know to start selling. Shared by main, preload and renderer. */
import type { CashRounding, EarnRule, RedemptionRule } from '@pos/domain';

export type TerminalLanguage = 'zh-CN' | 'en';

export type TerminalConfig = {
  storeId: string;
  deviceId: string;
  /** Sync server base URL. */
  syncUrl: string;
  /** The device's bearer token for the sync server. */
  syncToken: string;
  /**
   * [TL5] The SHA-256 fingerprint (`AB:CD:…`) of the sync server's certificate,
   * trusted exactly; absent: the usual certificate checks.
   */
  syncCertFingerprint?: string;
  priceList: string;
  currency: string;
  locale: string;
  receiptColumns: 32 | 48;
  /** The screen's and the receipt's language at start (the cashier can switch); default zh-CN. */
  language?: TerminalLanguage;
  /** Cash rounding (抹零) of what cash completes; default none. */
  cashRounding?: CashRounding;
  /** The store's offset from UTC in minutes, for promotion windows; default 480 (China). */
  utcOffsetMinutes?: number;
  /** The store's time zone (IANA) for times on screen; default: the zone of `utcOffsetMinutes`. */
  timeZone?: string;
  /** Keys that verify receipt, coupon and member codes (hex secrets), newest first. */
  codeKeys?: { id: string; secretHex: string }[];
  /**
   * [PI2] The chain's member blind-index key (hex secret), provisioned with
   * the terminal like `codeKeys`, never synced: a typed phone is hashed with
   * it on the terminal. Without it, members are found by member QR only.
   */
  memberIndexKey?: { id: string; secretHex: string };
  /** How members earn points; none earned when absent. */
  earnRules?: EarnRule[];
  /** How points pay; points cannot pay when absent. */
  redemption?: RedemptionRule;
  /**
   * [PU1] The store's pickup keys (hex secrets), newest first, provisioned
   * with the terminal, never synced: the pickup desk matches a typed 6-digit
   * code with them. Without them, orders are found by their QR only.
   */
  pickupStoreKeys?: { id: string; secretHex: string }[];
  /** [PU4] The chain's pickup QR keys (hex secrets), newest first: a scanned order QR is verified with them. */
  pickupQrKeys?: { id: string; secretHex: string }[];
  /**
   * [TL8] The counter's RFID reader (a hub device id, or `reader#antenna`):
   * its tags ring up the sale. Default: the hub's only RFID reader, when the
   * hub runs no zone engine.
   */
  rfidCheckoutReader?: string;
};

export function isTerminalConfig(value: unknown): value is TerminalConfig {
  const v = value as Partial<TerminalConfig> | null;
  return (
    !!v &&
    typeof v.storeId === 'string' &&
    typeof v.deviceId === 'string' &&
    typeof v.syncUrl === 'string' &&
    typeof v.syncToken === 'string' &&
    (v.syncCertFingerprint === undefined || typeof v.syncCertFingerprint === 'string') &&
    typeof v.priceList === 'string' &&
    typeof v.currency === 'string' &&
    typeof v.locale === 'string' &&
    (v.receiptColumns === 32 || v.receiptColumns === 48) &&
    (v.language === undefined || v.language === 'zh-CN' || v.language === 'en') &&
    (v.codeKeys === undefined || Array.isArray(v.codeKeys)) &&
    (v.memberIndexKey === undefined || isHexKey(v.memberIndexKey)) &&
    (v.earnRules === undefined || Array.isArray(v.earnRules)) &&
    (v.pickupStoreKeys === undefined || isHexKeyList(v.pickupStoreKeys)) &&
    (v.pickupQrKeys === undefined || isHexKeyList(v.pickupQrKeys)) &&
    (v.rfidCheckoutReader === undefined || typeof v.rfidCheckoutReader === 'string')
  );
}

function isHexKey(value: unknown): boolean {
  const k = value as { id?: unknown; secretHex?: unknown } | null;
  return (
    typeof k === 'object' &&
    k !== null &&
    typeof k.id === 'string' &&
    typeof k.secretHex === 'string' &&
    /^(?:[0-9a-f]{2})+$/i.test(k.secretHex)
  );
}

function isHexKeyList(value: unknown): boolean {
  return Array.isArray(value) && value.every(isHexKey);
}
