/**
 * [ST5] One storage suite, run against every implementation: PGlite always,
 * a real PostgreSQL when TEST_DATABASE_URL is set.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKENDS } from '../test-support';
import type { DocWrite, SyncStorage } from './storage';

function product(id: string, name = `Product ${id}`): DocWrite {
  return {
    db: 'products',
    id,
    body: {
      id,
      name,
      gtin: '06901234567892',
      category: 'Test',
      taxClass: 'VAT13',
      status: 'active',
    },
    storeId: null,
    expectedRev: null,
  };
}

function level(
  storeId: string,
  sku: string,
  onHand: number,
  expectedRev: string | null = null,
): DocWrite {
  const id = `${storeId}:${sku}`;
  return { db: 'stock', id, body: { id, storeId, sku, onHand }, storeId, expectedRev };
}

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`storage on ${backend.name}`, () => {
    let storage: SyncStorage;
    beforeEach(async () => {
      storage = await backend.open();
    });
    afterEach(async () => {
      await storage.close();
    });

    it('[ST2] creates at revision 1 and refuses a write whose _rev is not the current one', async () => {
      const [created] = await storage.bulkWrite([product('SKU-1')]);
      expect(created).toMatchObject({ ok: true, id: 'SKU-1', rev: expect.stringMatching(/^1-/) });
      if (!created?.ok) throw new Error('not created');

      const again = await storage.bulkWrite([
        product('SKU-1'),
        { ...product('SKU-1', 'Renamed'), expectedRev: '1-stale' },
        { ...product('SKU-2'), expectedRev: '1-whatever' },
      ]);
      expect(again.map((r) => !r.ok && r.error)).toEqual(['conflict', 'conflict', 'conflict']);
      expect(again[0]).toMatchObject({
        reason: `Document update conflict: the current revision is ${created.rev}`,
      });
      expect(again[2]).toMatchObject({
        reason: 'Document update conflict: the document does not exist',
      });

      const [updated] = await storage.bulkWrite([
        { ...product('SKU-1', 'Renamed'), expectedRev: created.rev },
      ]);
      expect(updated).toMatchObject({ ok: true, rev: expect.stringMatching(/^2-/) });
      if (!updated?.ok) throw new Error('not updated');
      expect(updated.seq).toBeGreaterThan(created.seq);
      const doc = (await storage.getDocs('products', ['SKU-1', 'SKU-2'], null)).get('SKU-1');
      expect(doc).toMatchObject({ rev: updated.rev, seq: updated.seq, body: { name: 'Renamed' } });
    });

    it('[ST1] pages changes in seq order, one row per document, and scopes store-private ones', async () => {
      await storage.bulkWrite([
        level('S001', 'A', 1),
        level('S002', 'A', 2),
        level('S001', 'B', 3),
        product('P1'),
      ]);
      const all = await storage.changes('stock', { since: 0, limit: 100, scope: null });
      expect(all.rows.map((r) => r.id)).toEqual(['S001:A', 'S002:A', 'S001:B']);
      const info = await storage.dbInfo('stock', null);
      expect(info).toEqual({ docCount: 3, updateSeq: all.rows[2]!.seq });
      expect(all.lastSeq).toBe(info.updateSeq);
      expect(await storage.dbInfo('stock', 'S002')).toEqual({
        docCount: 1,
        updateSeq: info.updateSeq,
      });

      // A full page ends at its last row; the next page starts there.
      const first = await storage.changes('stock', { since: 0, limit: 2, scope: null });
      expect(first.rows.map((r) => r.id)).toEqual(['S001:A', 'S002:A']);
      expect(first.lastSeq).toBe(first.rows[1]!.seq);
      const next = await storage.changes('stock', { since: first.lastSeq, limit: 2, scope: null });
      expect(next.rows.map((r) => r.id)).toEqual(['S001:B']);

      const s001 = await storage.changes('stock', { since: 0, limit: 100, scope: 'S001' });
      expect(s001.rows.map((r) => r.id)).toEqual(['S001:A', 'S001:B']);
      // A short page has read everything up to update_seq, other stores' changes included.
      expect(s001.lastSeq).toBe(info.updateSeq);

      // An update moves the document to the end of the feed.
      const rev = all.rows[0]!.rev;
      await storage.bulkWrite([level('S001', 'A', 9, rev)]);
      const after = await storage.changes('stock', {
        since: s001.lastSeq,
        limit: 100,
        scope: 'S001',
      });
      expect(after.rows.map((r) => [r.id, r.body.onHand])).toEqual([['S001:A', 9]]);
      expect(await storage.getDocs('stock', ['S001:A', 'S002:A'], 'S002')).toEqual(
        new Map([['S002:A', expect.objectContaining({ storeId: 'S002' })]]),
      );
    });

    it('[ST8] renders the same pages and documents as JSON text, in the wire form', async () => {
      const odd = product('P"\\1', '名 "quoted" \\ back\nline \u2028 😀');
      await storage.bulkWrite([level('S001', 'A', 1), level('S002', 'A', -2), odd]);
      await storage.bulkWrite([
        {
          ...level('S001', 'B', 3),
          body: { ...level('S001', 'B', 3).body, extra: { n: [1.5, null, true] } },
        },
      ]);
      const wire = (row: { id: string; rev: string; body: Record<string, unknown> }) => {
        const { id: _id, ...fields } = row.body;
        return { _id: row.id, _rev: row.rev, ...fields };
      };
      for (const db of ['stock', 'products'] as const) {
        for (const scope of [null, 'S001', 'S404']) {
          for (const limit of [1, 2, 100]) {
            for (const includeDocs of [true, false]) {
              let since = 0;
              for (;;) {
                const page = await storage.changes(db, { since, limit, scope });
                const text = await storage.changesJson(db, { since, limit, scope, includeDocs });
                expect(text.count).toBe(page.rows.length);
                expect(text.lastSeq).toBe(page.lastSeq);
                expect(JSON.parse(`[${text.results}]`)).toEqual(
                  page.rows.map((row) => ({
                    seq: row.seq,
                    id: row.id,
                    changes: [{ rev: row.rev }],
                    ...(includeDocs ? { doc: wire(row) } : {}),
                  })),
                );
                if (page.rows.length < limit) break;
                since = page.lastSeq;
              }
            }
          }
        }
      }
      const ids = ['S001:A', 'S002:A', 'S001:B', 'S404:Z'];
      for (const scope of [null, 'S002']) {
        const rows = await storage.getDocs('stock', ids, scope);
        const json = await storage.getDocsJson('stock', ids, scope);
        expect([...json.keys()].sort()).toEqual([...rows.keys()].sort());
        for (const [id, row] of rows) {
          expect(json.get(id)?.rev).toBe(row.rev);
          expect(JSON.parse(json.get(id)!.json)).toEqual(wire(row));
        }
      }
      const [found] = (await storage.getDocsJson('products', [odd.id], null)).values();
      expect(JSON.parse(found!.json)).toMatchObject({ _id: odd.id, name: odd.body.name });
      expect(await storage.getDocsJson('stock', [], null)).toEqual(new Map());
    });

    it('[ST3] a transaction that fails stores nothing; [ST4] only commits are announced', async () => {
      const heard: string[] = [];
      const unlisten = storage.listen((db) => heard.push(db));
      await expect(
        storage.transaction(async (tx) => {
          await tx.put(product('SKU-X'));
          expect((await tx.getDocs('products', ['SKU-X'])).has('SKU-X')).toBe(true);
          throw new Error('rules say no');
        }),
      ).rejects.toThrow('rules say no');
      expect((await storage.getDocs('products', ['SKU-X'], null)).size).toBe(0);
      expect(await storage.dbInfo('products', null)).toEqual({ docCount: 0, updateSeq: 0 });

      await storage.bulkWrite([product('SKU-Y'), level('S001', 'Y', 1)]);
      await expect.poll(() => [...heard].sort()).toEqual(['products', 'stock']);
      unlisten();
    });

    it('[ST7] putMany writes a batch with one block of consecutive seqs, conflicts per document', async () => {
      const [existing] = await storage.bulkWrite([product('SKU-1')]);
      if (!existing?.ok) throw new Error('not created');
      const observed: [string, number][][] = [];
      const unobserve = storage.observe({ committed: (written) => observed.push([...written]) });
      const results = await storage.transaction((tx) =>
        tx.putMany([
          product('SKU-2'),
          { ...product('SKU-1', 'Stale'), expectedRev: '1-stale' },
          { ...product('SKU-1', 'Renamed'), expectedRev: existing.rev },
          level('S001', 'SKU-2', 5),
          product('SKU-3'),
          // A second write of a document in the batch must name the revision the first made.
          { ...product('SKU-3', 'Again'), expectedRev: null },
        ]),
      );
      unobserve();
      expect(results.map((r) => (r.ok ? r.rev.slice(0, 2) : r.error))).toEqual([
        '1-',
        'conflict',
        '2-',
        '1-',
        '1-',
        'conflict',
      ]);
      const seqs = results.flatMap((r) => (r.ok ? [r.seq] : []));
      expect(seqs).toEqual([
        existing.seq + 1,
        existing.seq + 2,
        existing.seq + 3,
        existing.seq + 4,
      ]);
      expect(observed).toEqual([
        [
          ['products', 3],
          ['stock', 1],
        ],
      ]);
      const feed = await storage.changes('products', {
        since: existing.seq,
        limit: 10,
        scope: null,
      });
      expect(feed.rows.map((r) => [r.id, r.body.name, r.seq])).toEqual([
        ['SKU-2', 'Product SKU-2', existing.seq + 1],
        ['SKU-1', 'Renamed', existing.seq + 2],
        ['SKU-3', 'Product SKU-3', existing.seq + 4],
      ]);

      const [third] = await storage.bulkWrite([product('SKU-4')]);
      const chained = await storage.transaction((tx) =>
        tx.putMany([
          { ...product('SKU-4', 'Twice'), expectedRev: third?.ok ? third.rev : '' },
          { ...product('SKU-4', 'Thrice'), expectedRev: null },
        ]),
      );
      expect(chained.map((r) => r.ok)).toEqual([true, false]);
      const twice = chained[0]!;
      if (!twice.ok) throw new Error('not written');
      const again = await storage.transaction((tx) =>
        tx.putMany([
          { ...product('SKU-4', 'Fourth'), expectedRev: twice.rev },
          { ...product('SKU-4', 'Fifth'), expectedRev: '3-x' },
        ]),
      );
      expect(again.map((r) => r.ok)).toEqual([true, false]);
      const doc = (await storage.getDocs('products', ['SKU-4'], null)).get('SKU-4');
      expect(doc).toMatchObject({ rev: expect.stringMatching(/^3-/), body: { name: 'Fourth' } });

      // [FX4] The time a fact was received is kept beside it, as by put.
      const at = '2026-01-02T03:04:05.000Z';
      await storage.transaction((tx) => tx.putMany([{ ...product('SKU-5'), receivedAt: at }]));
      expect(await storage.receivedAt('products', ['SKU-5', 'SKU-4'])).toEqual(
        new Map([['SKU-5', at]]),
      );
    });

    it('[ST3][ST7] a batch in a transaction that fails stores nothing and reports the failure', async () => {
      const failures: string[] = [];
      const unobserve = storage.observe({ failed: (what) => failures.push(what) });
      await expect(
        storage.transaction(async (tx) => {
          await tx.putMany([product('SKU-A'), product('SKU-B')]);
          throw new Error('line 3 is wrong');
        }),
      ).rejects.toThrow('line 3 is wrong');
      unobserve();
      expect(failures).toEqual(['transaction']);
      expect(await storage.dbInfo('products', null)).toEqual({ docCount: 0, updateSeq: 0 });
      await storage.ping();
    });

    it('[A1] keeps device tokens by hash and can re-bind one', async () => {
      expect(await storage.findDeviceToken('h1')).toBeNull();
      await storage.putDeviceToken('h1', { deviceId: 'S001-POS1', storeId: 'S001' });
      await storage.putDeviceToken('h1', { deviceId: 'S001-POS1', storeId: 'S001' });
      expect(await storage.findDeviceToken('h1')).toEqual({
        deviceId: 'S001-POS1',
        storeId: 'S001',
      });
      await storage.putDeviceToken('h1', { deviceId: 'S002-POS9', storeId: 'S002' });
      expect(await storage.findDeviceToken('h1')).toEqual({
        deviceId: 'S002-POS9',
        storeId: 'S002',
      });
    });

    it('[ST1] a follower sees every change exactly once, in seq order, while writers race', async () => {
      // Fewer writers than pooled connections, so the follower reads while
      // transactions are open (not only after a queue of them has committed).
      const writers = 8;
      const transactionsPerWriter = 10;
      const putsPerTransaction = 2;
      const total = writers * transactionsPerWriter * putsPerTransaction;
      const seen: { id: string; seq: number }[] = [];
      let since = 0;
      let done = false;
      const follower = (async () => {
        // Bounded: stops once everything is seen, or when writers are done and nothing is left.
        for (let reads = 0; reads < 100_000 && seen.length < total; reads++) {
          // Only a read that started after the writers finished may end the loop.
          const writersFinished = done;
          const page = await storage.changes('products', { since, limit: 7, scope: null });
          for (const row of page.rows) seen.push({ id: row.id, seq: row.seq });
          since = page.lastSeq;
          if (writersFinished && page.rows.length === 0) break;
        }
      })();
      // Each transaction stays open a little after drawing a seq, as a sale
      // does while it moves stock: the window in which an unserialised later
      // writer could commit a higher seq first.
      await Promise.all(
        Array.from({ length: writers }, async (_, w) => {
          for (let t = 0; t < transactionsPerWriter; t++) {
            await storage.transaction(async (tx) => {
              // Half the writers write their documents as one batch ([ST7]).
              if (w % 2 === 1) {
                const batch = Array.from({ length: putsPerTransaction }, (_, i) =>
                  product(`W${w}-${t}-${i}`),
                );
                await tx.putMany(batch);
                // Jitter, not a wait: it interleaves the concurrent writers under test.
                await new Promise((resolve) => setTimeout(resolve, (w + t) % 3));
                return;
              }
              for (let i = 0; i < putsPerTransaction; i++) {
                await tx.put(product(`W${w}-${t}-${i}`));
                // Jitter, not a wait: it interleaves the concurrent writers under test.
                await new Promise((resolve) => setTimeout(resolve, (w + t + i) % 3));
              }
            });
          }
        }),
      );
      done = true;
      await follower;
      expect(seen).toHaveLength(total);
      expect(new Set(seen.map((s) => s.id)).size).toBe(total);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.seq).toBeGreaterThan(seen[i - 1]!.seq);
    });
  });
}
