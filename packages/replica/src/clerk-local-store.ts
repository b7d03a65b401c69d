/**
 * What the clerk's tablet keeps beside its replica ([CL2] in the app core):
 * queued orders and the last answers it showed, as RxDB local documents of
 * the replica's database (IndexedDB in the browser, memory in tests), never
 * synced. Each value is one local document `clerk:<key>`; the keys are
 * listed in one more document, so they can be read by prefix. Writes run one
 * at a time, in order. The app core's `ClerkLocalStore` has this shape.
 */
import type { ReplicaDatabase } from './database';

export type ClerkLocalDocuments = {
  get<T>(key: string): Promise<T | null>;
  set<T>(key: string, value: T): Promise<void>;
  remove(key: string): Promise<void>;
  /** Keys that start with `prefix`, in key order. */
  keys(prefix: string): Promise<string[]>;
};

const DOC_PREFIX = 'clerk:';
const KEYS_DOC = 'clerk-keys';

type Boxed = { value: unknown };
type KeysDoc = { keys: string[] };

/** [CL2] The tablet's device-local store over the replica's local documents. */
export function openClerkLocalStore(db: ReplicaDatabase): ClerkLocalDocuments {
  let writes: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const result = writes.then(work);
    writes = result.catch(() => undefined);
    return result;
  };
  const readKeys = async (): Promise<string[]> =>
    ((await db.getLocal<KeysDoc>(KEYS_DOC))?.toJSON().data as KeysDoc | undefined)?.keys ?? [];
  const writeKeys = (keys: string[]) => db.upsertLocal<KeysDoc>(KEYS_DOC, { keys });
  const check = (key: string) => {
    if (typeof key !== 'string' || key.length === 0 || key.length > 200) {
      throw new Error(`a local key is 1-200 characters, not ${JSON.stringify(key)}`);
    }
  };

  return {
    async get<T>(key: string) {
      check(key);
      const doc = await db.getLocal<Boxed>(DOC_PREFIX + key);
      if (!doc) return null;
      return ((doc.toJSON().data as Boxed).value ?? null) as T | null;
    },
    set: <T>(key: string, value: T) =>
      serially(async () => {
        check(key);
        // JSON only: what cannot be stored is refused here, not on a later read.
        const json = JSON.parse(JSON.stringify(value ?? null)) as unknown;
        await db.upsertLocal<Boxed>(DOC_PREFIX + key, { value: json });
        const keys = await readKeys();
        if (!keys.includes(key)) await writeKeys([...keys, key].sort());
      }),
    remove: (key) =>
      serially(async () => {
        check(key);
        const doc = await db.getLocal<Boxed>(DOC_PREFIX + key);
        if (doc) await doc.remove();
        const keys = await readKeys();
        if (keys.includes(key)) await writeKeys(keys.filter((k) => k !== key));
      }),
    async keys(prefix) {
      await writes;
      return (await readKeys()).filter((k) => k.startsWith(prefix));
    },
  };
}
