import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkProvisioning,
  loadProvisioning,
  PROVISIONING_KEY,
  provisioningLink,
  readProvisioningFragment,
  type ProvisioningVault,
  type TabletProvisioning,
} from './provisioning';

const PROVISIONING: TabletProvisioning = {
  storeId: 'S001',
  storeName: '静安店',
  deviceId: 'S001-TAB1',
  deviceToken: 'demo-s001-tab1',
  priceList: 'CN-LIST',
  currency: 'CNY',
  utcOffsetMinutes: 480,
  codeKeys: [{ id: 'k1', secretHex: '00ff' }],
  memberIndexKey: { id: 'i1', secretHex: 'abcd' },
  pickupStoreKeys: [{ id: 'p1', secretHex: '0102' }],
  pickupQrKeys: [{ id: 'q1', secretHex: '0304' }],
  hub: { url: 'wss://192.168.1.20:8787/hub', token: 'tablet-hub-token-0001' },
};

function memoryStorage(): Storage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

const fragmentOf = (link: string) => link.slice(link.indexOf('#'));

describe('[TA6] provisioning a tablet by its link', () => {
  it('reads back what the link carries, Chinese names included', () => {
    const link = provisioningLink('https://pos.example/tablet/', PROVISIONING);
    expect(link).toMatch(/^https:\/\/pos\.example\/tablet\/#provision=[A-Za-z0-9_-]+$/);
    expect(readProvisioningFragment(fragmentOf(link))).toEqual({
      ok: true,
      provisioning: PROVISIONING,
    });
  });

  it('round-trips any store name and token through base64url', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (name, token) => {
        const provisioning = { ...PROVISIONING, storeName: name, deviceToken: token };
        const read = readProvisioningFragment(
          fragmentOf(provisioningLink('/tablet/', provisioning)),
        );
        expect(read).toEqual({ ok: true, provisioning });
      }),
    );
  });

  it('a fragment without a provisioning is not one', () => {
    expect(readProvisioningFragment('')).toBeNull();
    expect(readProvisioningFragment('#/find')).toBeNull();
  });

  it('a damaged link says how it is damaged', () => {
    expect(readProvisioningFragment('#provision=***')).toEqual({
      ok: false,
      reason: 'the provisioning link is damaged (not base64url)',
    });
    expect(readProvisioningFragment(`#provision=${btoa('{"storeId"').replace(/=+$/, '')}`)).toEqual(
      { ok: false, reason: 'the provisioning link is damaged (not JSON)' },
    );
  });

  it('any garbage in the fragment gets an answer, never an exception', () => {
    fc.assert(
      fc.property(fc.string(), (garbage) => {
        const read = readProvisioningFragment(`#provision=${garbage}`);
        if (read && !read.ok) expect(read.reason).toMatch(/provisioning/);
      }),
    );
  });

  it('names the first missing or bad field', () => {
    const { deviceToken: _, ...noToken } = PROVISIONING;
    expect(checkProvisioning(noToken)).toEqual({
      ok: false,
      reason: 'the provisioning has no deviceToken',
    });
    expect(
      checkProvisioning({ ...PROVISIONING, codeKeys: [{ id: 'k', secretHex: 'xyz' }] }),
    ).toEqual({
      ok: false,
      reason: 'the provisioning has no codeKeys',
    });
    expect(checkProvisioning({ ...PROVISIONING, hub: { url: 'http://hub', token: 't' } })).toEqual({
      ok: false,
      reason: 'the provisioning has a bad hub (ws:// or wss:// URL and token)',
    });
    expect(checkProvisioning([])).toEqual({
      ok: false,
      reason: 'the provisioning is not an object',
    });
  });
});

/** A vault in memory; `failing` makes it refuse like a browser without IndexedDB. */
function memoryVault(failing = false): ProvisioningVault & { json: string | null; writes: number } {
  const vault = {
    json: null as string | null,
    writes: 0,
    read: () => (failing ? Promise.reject(new Error('no IndexedDB')) : Promise.resolve(vault.json)),
    write: (json: string) => {
      if (failing) return Promise.reject(new Error('no IndexedDB'));
      vault.json = json;
      vault.writes++;
      return Promise.resolve();
    },
  };
  return vault;
}

describe('[TA6] the provisioning the tablet keeps', () => {
  it('a link is kept in both places before it leaves the address bar', async () => {
    const storage = memoryStorage();
    const vault = memoryVault();
    const removed: (string | null)[] = [];
    const link = provisioningLink('/tablet/', PROVISIONING);
    expect(
      await loadProvisioning(storage, vault, fragmentOf(link), () => removed.push(vault.json)),
    ).toEqual({ ok: true, provisioning: PROVISIONING });
    // The vault had it when the link was taken out.
    expect(removed).toEqual([JSON.stringify(PROVISIONING)]);
    expect(JSON.parse(storage.items.get(PROVISIONING_KEY)!)).toEqual(PROVISIONING);
    // The next start has no link: what was kept.
    expect(await loadProvisioning(storage, vault, '', () => removed.push('again'))).toEqual({
      ok: true,
      provisioning: PROVISIONING,
    });
    expect(removed).toHaveLength(1);
  });

  it('localStorage lost (the browser killed before it wrote): the vault has it, and puts it back', async () => {
    const vault = memoryVault();
    await loadProvisioning(
      memoryStorage(),
      vault,
      fragmentOf(provisioningLink('/tablet/', PROVISIONING)),
      () => undefined,
    );
    const emptied = memoryStorage();
    expect(await loadProvisioning(emptied, vault, '', () => undefined)).toEqual({
      ok: true,
      provisioning: PROVISIONING,
    });
    expect(JSON.parse(emptied.items.get(PROVISIONING_KEY)!)).toEqual(PROVISIONING);
  });

  it('a tablet provisioned before the vault: localStorage is read, and the vault is filled', async () => {
    const storage = memoryStorage();
    storage.setItem(PROVISIONING_KEY, JSON.stringify(PROVISIONING));
    const vault = memoryVault();
    expect(await loadProvisioning(storage, vault, '', () => undefined)).toEqual({
      ok: true,
      provisioning: PROVISIONING,
    });
    await expect.poll(() => vault.json).toBe(JSON.stringify(PROVISIONING));
    // Filled once: a start that finds it there writes nothing.
    await loadProvisioning(storage, vault, '', () => undefined);
    // The memory vault answers at once: its reads are done when the task queue is reached.
    await new Promise((resolve) => setTimeout(resolve));
    expect(vault.writes).toBe(1);
  });

  it('no IndexedDB (a private window): localStorage alone keeps it', async () => {
    const storage = memoryStorage();
    const vault = memoryVault(true);
    let removed = 0;
    const link = provisioningLink('/tablet/', PROVISIONING);
    expect(await loadProvisioning(storage, vault, fragmentOf(link), () => removed++)).toEqual({
      ok: true,
      provisioning: PROVISIONING,
    });
    expect(removed).toBe(1);
    expect(await loadProvisioning(storage, vault, '', () => undefined)).toMatchObject({ ok: true });
    expect(await loadProvisioning(memoryStorage(), vault, '', () => undefined)).toEqual({
      ok: false,
      reason: 'this tablet is not provisioned yet: open its provisioning link',
    });
  });

  it('a damaged link changes nothing kept, and says why', async () => {
    const storage = memoryStorage();
    storage.setItem(PROVISIONING_KEY, JSON.stringify(PROVISIONING));
    const vault = memoryVault();
    vault.json = JSON.stringify(PROVISIONING);
    expect(await loadProvisioning(storage, vault, '#provision=!!', () => undefined)).toEqual({
      ok: false,
      reason: 'the provisioning link is damaged (not base64url)',
    });
    expect(JSON.parse(storage.items.get(PROVISIONING_KEY)!)).toEqual(PROVISIONING);
    expect(vault.writes).toBe(0);
  });

  it('a damaged kept provisioning says to open the link again', async () => {
    const vault = memoryVault();
    vault.json = '{"storeId"';
    expect(await loadProvisioning(memoryStorage(), vault, '', () => undefined)).toEqual({
      ok: false,
      reason: 'the kept provisioning is damaged; open the link again',
    });
  });

  it('a tablet never provisioned says to open its link', async () => {
    expect(await loadProvisioning(memoryStorage(), memoryVault(), '', () => undefined)).toEqual({
      ok: false,
      reason: 'this tablet is not provisioned yet: open its provisioning link',
    });
  });
});

describe("the demo's provisioning links", () => {
  it('the tablet reads the link the demo prints', async () => {
    const { demoTabletLink, demoTabletProvisioning } =
      await import('../../../pos/src/demo/demo-store');
    const options = { storeName: '静安店', hubUrl: 'ws://127.0.0.1:8787/hub' };
    const link = demoTabletLink('https://127.0.0.1:5984', 'S001', options);
    expect(link.startsWith('https://127.0.0.1:5984/tablet/#provision=')).toBe(true);
    const read = readProvisioningFragment(fragmentOf(link));
    expect(read).toEqual({ ok: true, provisioning: demoTabletProvisioning('S001', options) });
    expect(read?.ok && read.provisioning.hub?.token.length).toBeGreaterThanOrEqual(16);
  });
});
