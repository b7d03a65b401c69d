/**
 * [TA6] The provisioning's second copy, in IndexedDB: a read-write
 * transaction with strict durability completes only once the browser has
 * committed it to disk, unlike localStorage, which is written lazily.
 */
import type { ProvisioningVault } from './provisioning';

const DATABASE = 'pos-tablet-provisioning';
const STORE = 'provisioning';
const KEY = 'current';

function openDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DATABASE, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB did not open'));
    request.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
  });
}

async function inTransaction<T>(
  mode: IDBTransactionMode,
  work: (store: IDBObjectStore) => IDBRequest,
): Promise<T> {
  const db = await openDatabase();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode, { durability: 'strict' });
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result as T);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** The browser's IndexedDB as the provisioning's vault. */
export const indexedDbVault: ProvisioningVault = {
  async read() {
    const value = await inTransaction<unknown>('readonly', (store) => store.get(KEY));
    return typeof value === 'string' ? value : null;
  },
  async write(json) {
    await inTransaction<unknown>('readwrite', (store) => store.put(json, KEY));
  },
};
