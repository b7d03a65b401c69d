/**
 * A tablet is provisioned once, by opening its provisioning link
 * (`/tablet/#provision=<base64url JSON>`, printed by the demo or made by HQ):
 * its device id and token, its store, the keys the till's rules verify codes
 * with, and its hub. The tablet keeps it in localStorage and, since a
 * browser writes localStorage to disk lazily and a tablet killed seconds
 * after provisioning would lose it, in IndexedDB too (provisioning-vault.ts),
 * which commits before the link leaves the address bar. It holds no
 * personal data and no PIN; the token and keys are the device's, as a
 * till's configuration file holds them. Pure code (no DOM), so the demo and
 * the tests make links with it too.
 */
import type { EarnRule, RedemptionRule } from '@pos/domain';

export type HexKey = { id: string; secretHex: string };

export type TabletProvisioning = {
  storeId: string;
  /** Shown before the replica has the store's record. */
  storeName: string;
  deviceId: string;
  /** The device's bearer token for the sync server (replication and the clerk API). */
  deviceToken: string;
  priceList: string;
  currency: string;
  /** The store's offset from UTC in minutes (480 in China). */
  utcOffsetMinutes: number;
  /** Keys that verify receipt, coupon, member and take-now codes, newest first. */
  codeKeys: HexKey[];
  /** [PI2] The chain's blind-index key: a typed phone is hashed with it on the tablet. */
  memberIndexKey?: HexKey;
  /** [PU1] The store's pickup keys: a typed 6-digit pickup code is matched with them. */
  pickupStoreKeys?: HexKey[];
  /** [PU4] The chain's pickup QR keys. */
  pickupQrKeys?: HexKey[];
  earnRules?: EarnRule[];
  redemption?: RedemptionRule;
  /** [CL12] The store's hub on the LAN (`wss://…/hub`) and this tablet's token for it. */
  hub?: { url: string; token: string };
};

const LINK_PARAM = 'provision';

/** The link that provisions a tablet: the app's address with the provisioning in its fragment. */
export function provisioningLink(appUrl: string, provisioning: TabletProvisioning): string {
  const json = JSON.stringify(provisioning);
  const bytes = new TextEncoder().encode(json);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  const base64url = btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
  return `${appUrl.split('#')[0]}#${LINK_PARAM}=${base64url}`;
}

export type ProvisioningRead =
  { ok: true; provisioning: TabletProvisioning } | { ok: false; reason: string };

/**
 * The provisioning in a URL fragment (`#provision=…`), or null when the
 * fragment has none. A fragment that has one but cannot be read says why.
 */
export function readProvisioningFragment(fragment: string): ProvisioningRead | null {
  const params = new URLSearchParams(fragment.replace(/^#/, ''));
  const encoded = params.get(LINK_PARAM);
  if (encoded === null) return null;
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) {
    return { ok: false, reason: 'the provisioning link is damaged (not base64url)' };
  }
  let json: string;
  try {
    const base64 = encoded.replaceAll('-', '+').replaceAll('_', '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    json = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, reason: 'the provisioning link is damaged (not base64url UTF-8)' };
  }
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'the provisioning link is damaged (not JSON)' };
  }
  return checkProvisioning(value);
}

/** The provisioning when `value` is one, else the first thing wrong with it. */
export function checkProvisioning(value: unknown): ProvisioningRead {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'the provisioning is not an object' };
  }
  const v = value as Record<string, unknown>;
  for (const field of [
    'storeId',
    'storeName',
    'deviceId',
    'deviceToken',
    'priceList',
    'currency',
  ]) {
    if (typeof v[field] !== 'string' || v[field] === '') {
      return { ok: false, reason: `the provisioning has no ${field}` };
    }
  }
  if (typeof v.utcOffsetMinutes !== 'number' || !Number.isInteger(v.utcOffsetMinutes)) {
    return { ok: false, reason: 'the provisioning has no utcOffsetMinutes' };
  }
  if (!isKeyList(v.codeKeys)) return { ok: false, reason: 'the provisioning has no codeKeys' };
  if (v.memberIndexKey !== undefined && !isHexKey(v.memberIndexKey)) {
    return { ok: false, reason: 'the provisioning has a bad memberIndexKey' };
  }
  for (const field of ['pickupStoreKeys', 'pickupQrKeys']) {
    if (v[field] !== undefined && !isKeyList(v[field])) {
      return { ok: false, reason: `the provisioning has bad ${field}` };
    }
  }
  if (v.earnRules !== undefined && !Array.isArray(v.earnRules)) {
    return { ok: false, reason: 'the provisioning has bad earnRules' };
  }
  if (v.redemption !== undefined && (typeof v.redemption !== 'object' || v.redemption === null)) {
    return { ok: false, reason: 'the provisioning has a bad redemption' };
  }
  if (v.hub !== undefined) {
    const hub = v.hub as { url?: unknown; token?: unknown } | null;
    if (
      typeof hub !== 'object' ||
      hub === null ||
      typeof hub.url !== 'string' ||
      !/^wss?:\/\//.test(hub.url) ||
      typeof hub.token !== 'string'
    ) {
      return {
        ok: false,
        reason: 'the provisioning has a bad hub (ws:// or wss:// URL and token)',
      };
    }
  }
  return { ok: true, provisioning: value as TabletProvisioning };
}

function isHexKey(value: unknown): value is HexKey {
  const k = value as { id?: unknown; secretHex?: unknown } | null;
  return (
    typeof k === 'object' &&
    k !== null &&
    typeof k.id === 'string' &&
    typeof k.secretHex === 'string' &&
    /^(?:[0-9a-f]{2})+$/i.test(k.secretHex)
  );
}

function isKeyList(value: unknown): value is HexKey[] {
  return Array.isArray(value) && value.every(isHexKey);
}

/** Where the tablet keeps its provisioning (any Storage: localStorage in the app). */
export const PROVISIONING_KEY = 'pos-tablet.provisioning';

/** A second, durable place for the provisioning (IndexedDB in the app): its JSON, or null. */
export type ProvisioningVault = {
  read(): Promise<string | null>;
  /** Resolves once the write is committed. */
  write(json: string): Promise<void>;
};

const NOT_PROVISIONED: ProvisioningRead = {
  ok: false,
  reason: 'this tablet is not provisioned yet: open its provisioning link',
};

/**
 * The tablet's provisioning: a link in `fragment` replaces what is kept (in
 * `storage` and, committed first, in `vault`); else what `storage` keeps;
 * else what `vault` keeps, put back into `storage`. `removeFragment` is
 * called once a link was taken, so the token does not stay in the address
 * bar and the history. A vault that fails (no IndexedDB in a private
 * window) leaves `storage` alone to keep it.
 */
export async function loadProvisioning(
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  vault: ProvisioningVault,
  fragment: string,
  removeFragment: () => void,
): Promise<ProvisioningRead> {
  const fromLink = readProvisioningFragment(fragment);
  if (fromLink?.ok) {
    const json = JSON.stringify(fromLink.provisioning);
    storage.setItem(PROVISIONING_KEY, json);
    await vault.write(json).catch(() => undefined);
    removeFragment();
    return fromLink;
  }
  const stored = storage.getItem(PROVISIONING_KEY);
  const kept = stored ?? (await vault.read().catch(() => null));
  if (kept === null) return fromLink ?? NOT_PROVISIONED;
  let read: ProvisioningRead;
  try {
    read = checkProvisioning(JSON.parse(kept));
  } catch {
    return { ok: false, reason: 'the kept provisioning is damaged; open the link again' };
  }
  if (read.ok) {
    if (stored === null) storage.setItem(PROVISIONING_KEY, kept);
    // A tablet provisioned before the vault existed: keep it there too, without waiting.
    else void keepInVault(vault, kept);
  }
  // A bad link over a good provisioning leaves the provisioning as it was, and says so.
  return fromLink && !fromLink.ok ? fromLink : read;
}

async function keepInVault(vault: ProvisioningVault, json: string): Promise<void> {
  try {
    if ((await vault.read()) !== json) await vault.write(json);
  } catch {
    // No IndexedDB: localStorage alone keeps it, as before.
  }
}
