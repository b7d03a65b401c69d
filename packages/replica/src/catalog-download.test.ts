import { describe, expect, it } from 'vitest';
import { Subject, lastValueFrom, toArray } from 'rxjs';
import { downloadStart, pageRows, parseChangesPage } from './catalog-download';
import { trackInitialSync } from './initial-sync';
import { fromSequence, type Replication } from './replication';

const page = (results: unknown[], lastSeq: unknown = 7) =>
  JSON.stringify({ results, last_seq: lastSeq });

describe('first download pages', () => {
  it('[CDL4] reads a page whole: documents, the sequence, and whether more follow', () => {
    const docs = [
      { seq: 5, id: 'A', changes: [], doc: { _id: 'A', _rev: '1-a', name: 'a' } },
      { seq: 7, id: 'B', changes: [], doc: { _id: 'B', _rev: '2-b', name: 'b' } },
    ];
    expect(parseChangesPage(page(docs), 2, 'p')).toEqual({
      docs: docs.map((d) => d.doc),
      lastSeq: 7,
      complete: false,
    });
    expect(parseChangesPage(page(docs), 3, 'p').complete).toBe(true);
    expect(parseChangesPage(page([], 0), 3, 'p')).toEqual({ docs: [], lastSeq: 0, complete: true });
  });

  it('[CDL4] refuses in words what is not a page of documents', () => {
    const what = 'changes of products since 0';
    expect(() => parseChangesPage('{"results":[', 10, what)).toThrow(
      /^The sync server's changes of products since 0 is not JSON/,
    );
    expect(() => parseChangesPage('[]', 10, what)).toThrow(/holds no list of results/);
    expect(() => parseChangesPage(page([], '3-abc'), 10, what)).toThrow(/no sequence number/);
    expect(() => parseChangesPage(page([{ seq: 1, id: 'A' }]), 10, what)).toThrow(
      /row without a document \(row 0\)/,
    );
    expect(() => parseChangesPage(page([{ doc: { name: 'no id' } }]), 10, what)).toThrow(
      /row without a document/,
    );
  });

  it("[CDL1] gives rows in RxDB's form of a pulled document: the primary key, _deleted, no _rev", () => {
    const [row] = pageRows('id', [{ _id: 'SKU-1', _rev: '3-x', name: 'Tea' }]);
    expect(row!.previous).toBeUndefined();
    expect(row!.document).toMatchObject({
      id: 'SKU-1',
      name: 'Tea',
      _deleted: false,
      _attachments: {},
    });
    expect(row!.document).not.toHaveProperty('_rev', '3-x');
    const [gone] = pageRows('id', [{ _id: 'SKU-2', _deleted: true }]);
    expect(gone!.document).toMatchObject({ id: 'SKU-2', _deleted: true });
  });
});

describe('where a first download starts', () => {
  it('[CDL1] [CDL2] from the start, from its mark, or not at all', () => {
    expect(downloadStart(null, false)).toBe(0);
    expect(downloadStart({ sequence: 120, done: false }, true)).toBe(120);
    expect(downloadStart({ sequence: 120, done: true }, true)).toBeNull();
    // Documents without a mark came by replication: it carries on from its own checkpoint.
    expect(downloadStart(null, true)).toBeNull();
  });

  it('[CDL6] asks a first pull from the sequence reached, and nothing else', () => {
    const base = 'http://h:1/products/_changes?style=all_docs&feed=normal&include_docs=true';
    expect(fromSequence(`${base}&since=0&limit=2000`, 6120)).toBe(`${base}&since=6120&limit=2000`);
    expect(fromSequence(`${base}&since=77&limit=2000`, 6120)).toBe(`${base}&since=77&limit=2000`);
    expect(fromSequence('http://h:1/products/_all_docs?since=0', 6120)).toBe(
      'http://h:1/products/_all_docs?since=0',
    );
  });
});

describe('progress during the first download', () => {
  it("[CDL5] counts the download's pages against the server's total", async () => {
    const downloaded = new Subject<number>();
    let finish = () => {};
    const never = new Subject<unknown>();
    const replication = {
      states: new Proxy({}, { get: () => ({ received$: never }) }),
      downloaded$: downloaded,
      awaitInitialSync: () => new Promise<void>((resolve) => (finish = resolve)),
    } as unknown as Replication;
    const fakeFetch = (async () =>
      new Response(JSON.stringify({ doc_count: 1000 }))) as unknown as typeof fetch;
    let now = 0;
    const progress = lastValueFrom(
      trackInitialSync(
        replication,
        { url: 'http://h:1', token: 't', fetch: fakeFetch },
        () => now,
      ).pipe(toArray()),
    );
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (const documents of [3000, 3000]) {
      now += 1000;
      downloaded.next(documents);
    }
    finish();
    const updates = await progress;
    // Ten down collections of 1,000 each: 6,000 written is 60 %.
    expect(updates).toContainEqual(expect.objectContaining({ received: 6000, percent: 60 }));
    expect(updates.at(-1)).toMatchObject({ done: true, percent: 100 });
  });
});
