/**
 * The batch loaders over a real storage (PGlite always, PostgreSQL with
 * TEST_DATABASE_URL): the same answers as writing one document at a time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDocs, writeDownDocs } from './bulk-load';
import type { JsonObject } from './protocol';
import type { SyncStorage } from './storage/storage';
import { BACKENDS } from './test-support';

const store = (id: string, name = `Store ${id}`): JsonObject => ({
  id,
  name,
  address: 'Shanghai',
  currency: 'CNY',
  status: 'open',
});

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`bulk loading on ${backend.name}`, () => {
    let storage: SyncStorage;
    beforeEach(async () => {
      storage = await backend.open();
    });
    afterEach(async () => {
      await storage.close();
    });

    it('[A7] [ST2] [ST7] writeDownDocs answers like one write at a time, with one batch', async () => {
      const [s1] = await storage.bulkWrite([
        { db: 'stores', id: 'S1', body: store('S1'), storeId: null, expectedRev: null },
      ]);
      if (!s1?.ok) throw new Error('not created');
      const rows = await storage.transaction((tx) =>
        writeDownDocs(tx, 'stores', [
          // Same content: no-op success, whatever _rev it names.
          { id: 'S1', rev: null, body: store('S1') },
          // A stale _rev: conflict.
          { id: 'S1', rev: '1-stale', body: store('S1', 'Renamed') },
          { id: 'S1', rev: s1.rev, body: store('S1', 'Renamed') },
          { id: 'S2', rev: null, body: store('S2') },
          // The second write of S2 must name the revision the first made.
          { id: 'S2', rev: null, body: store('S2', 'Again') },
          { id: 'S3', rev: '1-abc', body: store('S3') },
        ]),
      );
      expect(rows.map((r) => (r.ok ? `ok ${r.rev.slice(0, 2)}` : r.reason))).toEqual([
        `ok 1-`,
        `Document update conflict: the current revision is ${s1.rev}`,
        'ok 2-',
        'ok 1-',
        expect.stringMatching(/^Document update conflict: the current revision is 1-/),
        'Document update conflict: the document does not exist',
      ]);
      expect(rows[0]).toEqual({ ok: true, id: 'S1', rev: s1.rev });
      const stored = await storage.getDocs('stores', ['S1', 'S2', 'S3'], null);
      expect([...stored.values()].map((r) => [r.id, r.rev, r.body.name]).sort()).toEqual([
        ['S1', rows[2]!.ok && rows[2]!.rev, 'Renamed'],
        ['S2', rows[3]!.ok && rows[3]!.rev, 'Store S2'],
      ]);
    });

    it('[ST7] loadDocs creates, updates and leaves equal documents alone', async () => {
      const first = await storage.transaction((tx) =>
        loadDocs(tx, 'stores', [store('S1'), store('S2')]),
      );
      expect(first).toEqual({ created: 2, updated: 0, unchanged: 0 });
      const seq = (await storage.dbInfo('stores', null)).updateSeq;
      const second = await storage.transaction((tx) =>
        loadDocs(tx, 'stores', [store('S1'), store('S2', 'New name'), store('S3')]),
      );
      expect(second).toEqual({ created: 1, updated: 1, unchanged: 1 });
      const feed = await storage.changes('stores', { since: seq, limit: 10, scope: null });
      expect(feed.rows.map((r) => r.id)).toEqual(['S2', 'S3']);
      await expect(
        storage.transaction((tx) => loadDocs(tx, 'stores', [store('S9'), store('S9', 'Twice')])),
      ).rejects.toThrow(/stores\/S9: Document update conflict/);
      expect((await storage.getDocs('stores', ['S9'], null)).size).toBe(0);
    });
  });
}
