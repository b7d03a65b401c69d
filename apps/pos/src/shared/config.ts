/** What a terminal needs to know to start selling. Shared by main, preload and renderer. */
export type TerminalConfig = {
  storeId: string;
  deviceId: string;
  /** Sync server base URL. */
  syncUrl: string;
  /** The device's bearer token for the sync server. */
  syncToken: string;
  priceList: string;
  currency: string;
  locale: string;
  receiptColumns: 32 | 48;
};

export function isTerminalConfig(value: unknown): value is TerminalConfig {
  const v = value as Partial<TerminalConfig> | null;
  return (
    !!v &&
    typeof v.storeId === 'string' &&
    typeof v.deviceId === 'string' &&
    typeof v.syncUrl === 'string' &&
    typeof v.syncToken === 'string' &&
    typeof v.priceList === 'string' &&
    typeof v.currency === 'string' &&
    typeof v.locale === 'string' &&
    (v.receiptColumns === 32 || v.receiptColumns === 48)
  );
}
