import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TransferOrder, TransferStep, TransferStepRequest } from './console-api';
import { onHandDelta, type LedgerMovement } from './stock-ledger';
import {
  applyStep,
  cancelTransfer,
  discrepancies,
  draftTransfer,
  isRefusal,
  newDelivery,
  stepMovements,
  stepRequestProblems,
  stepStore,
  storeTransferDoc,
  storeTransferProblems,
} from './transfers';

const AT = '2026-01-02T03:00:00.000Z';
const LINES = [
  { sku: 'SKU-1', name: 'One', quantity: 5 },
  { sku: 'SKU-2', name: 'Two', quantity: 3 },
];

function draft(): TransferOrder {
  const order = draftTransfer({
    id: 'TR-1',
    from: 'S002',
    to: 'S001',
    lines: LINES,
    reason: 'low',
    createdAt: AT,
    createdBy: 'hq',
  });
  if (isRefusal(order)) throw new Error(order.reason);
  return order;
}

function delivery(): TransferOrder {
  const order = newDelivery({
    id: 'DL-1',
    supplier: 'Acme',
    to: 'S001',
    lines: LINES,
    reference: 'PO-1',
    createdAt: AT,
    createdBy: 'hq',
  });
  if (isRefusal(order)) throw new Error(order.reason);
  return order;
}

const request = (
  stepId: string,
  step: TransferStep,
  lines: TransferStepRequest['lines'],
): TransferStepRequest => ({ stepId, step, lines, staffId: 'E1', at: AT });

const device = (storeId: string) => ({ storeId, deviceId: `${storeId}-T1` });

describe('transfers', () => {
  it('[TF1] a draft goes between two stores with SKUs once and positive quantities', () => {
    expect(draft().status).toBe('draft');
    const bad = (patch: object) =>
      draftTransfer({
        id: 'T',
        from: 'S1',
        to: 'S2',
        lines: LINES,
        reason: '',
        createdAt: AT,
        createdBy: 'x',
        ...patch,
      });
    expect(isRefusal(bad({ to: 'S1' }))).toBe(true);
    expect(isRefusal(bad({ lines: [] }))).toBe(true);
    expect(isRefusal(bad({ lines: [LINES[0], LINES[0]] }))).toBe(true);
    expect(isRefusal(bad({ lines: [{ ...LINES[0], quantity: 0 }] }))).toBe(true);
    expect(isRefusal(bad({ lines: [{ ...LINES[0], quantity: 1.5 }] }))).toBe(true);
  });

  it('[TF2] a delivery is created shipped and only received', () => {
    const d = delivery();
    expect(d).toMatchObject({ kind: 'delivery', status: 'shipped', from: 'Acme' });
    expect(d.lines.map((l) => l.shipped)).toEqual([5, 3]);
    const ready = applyStep(d, request('x', 'ready', []), device('S001'));
    expect(ready).toMatchObject({ ok: false, code: 'conflict' });
  });

  it('[TF3] cancelled from draft or ready only', () => {
    expect(cancelTransfer(draft())).toMatchObject({ status: 'cancelled' });
    const shipped = delivery();
    expect(cancelTransfer(shipped)).toMatchObject({
      ok: false,
      code: 'conflict',
      status: 'shipped',
    });
  });

  it('[TF4] [TF5] each step at its store, in order; unknown SKUs and bad counts refused', () => {
    const order = draft();
    expect(stepStore(order, 'ready')).toBe('S002');
    expect(stepStore(order, 'received')).toBe('S001');
    expect(applyStep(order, request('a', 'ready', []), device('S001'))).toMatchObject({
      code: 'forbidden',
    });
    expect(applyStep(order, request('a', 'shipped', []), device('S002'))).toMatchObject({
      code: 'conflict',
      status: 'draft',
    });
    expect(
      applyStep(order, request('a', 'ready', [{ sku: 'SKU-9', quantity: 1 }]), device('S002')),
    ).toMatchObject({ code: 'bad_request' });
    expect(
      applyStep(order, request('a', 'ready', [{ sku: 'SKU-1', quantity: -1 }]), device('S002')),
    ).toMatchObject({ code: 'bad_request' });
    expect(stepRequestProblems({ stepId: '', step: 'x', lines: 'no' }).length).toBeGreaterThan(2);
  });

  it('[TF6] [TF7] [TF9] shipped moves out, received moves in, the discrepancy is kept; a replay moves nothing', () => {
    let order = draft();
    const steps: [TransferStepRequest, string][] = [
      [request('r', 'ready', [{ sku: 'SKU-1', quantity: 5 }]), 'S002'],
      [
        request('s', 'shipped', [
          { sku: 'SKU-1', quantity: 5 },
          { sku: 'SKU-2', quantity: 3 },
        ]),
        'S002',
      ],
      [
        request('v', 'received', [
          { sku: 'SKU-1', quantity: 4 },
          { sku: 'SKU-2', quantity: 3 },
        ]),
        'S001',
      ],
    ];
    const moved: LedgerMovement[] = [];
    for (const [req, store] of steps) {
      const result = applyStep(order, req, device(store));
      if (isRefusal(result)) throw new Error(result.reason);
      order = result.order;
      moved.push(...result.movements);
      const again = applyStep(order, req, device(store));
      expect(again).toMatchObject({ ok: true, replay: true, movements: [] });
      const changed = applyStep(order, { ...req, staffId: 'E2' }, device(store));
      expect(changed).toMatchObject({ ok: false, code: 'conflict' });
    }
    expect(moved.map((m) => m.id)).toEqual([
      'TR-1:shipped:SKU-1',
      'TR-1:shipped:SKU-2',
      'TR-1:received:SKU-1',
      'TR-1:received:SKU-2',
    ]);
    expect(moved[0]).toMatchObject({ kind: 'transfer-out', location: 'S002', counterpart: 'S001' });
    expect(moved[2]).toMatchObject({ kind: 'transfer-in', location: 'S001', quantity: 4 });
    expect(discrepancies(order)).toEqual([
      { sku: 'SKU-1', shipped: 5, received: 4, discrepancy: -1 },
    ]);
    expect(stepMovements(order, 'ready')).toEqual([]);
  });

  it('[TF10] a store copy names the store and the transfer', () => {
    const doc = storeTransferDoc(draft(), 'S001', AT);
    expect(doc.id).toBe('transfer:TR-1:S001');
    expect(storeTransferProblems(doc)).toEqual([]);
    expect(storeTransferProblems({ ...doc, storeId: 'S009' }).length).toBeGreaterThan(0);
  });

  it('[TF11] [TF12] for any steps: out = shipped, in = received, the chain changes by the discrepancy or the receipts; replays are no-ops', () => {
    const stepArb = fc.record({
      step: fc.constantFrom<TransferStep>('ready', 'shipped', 'received'),
      wrongStore: fc.nat({ max: 4 }).map((n) => n === 0),
      counts: fc.array(fc.nat({ max: 9 }), { minLength: 2, maxLength: 2 }),
      replay: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.boolean(), fc.array(stepArb, { maxLength: 8 }), (isDelivery, steps) => {
        let order = isDelivery ? delivery() : draft();
        const moved = new Map<string, LedgerMovement>();
        let last: TransferStepRequest | null = null;
        let lastStore = '';
        steps.forEach((s, i) => {
          const req =
            s.replay && last
              ? last
              : request(
                  `st-${i}`,
                  s.step,
                  LINES.map((l, j) => ({ sku: l.sku, quantity: s.counts[j]! })),
                );
          const store =
            s.replay && last ? lastStore : s.wrongStore ? 'S003' : stepStore(order, s.step);
          const result = applyStep(order, req, device(store));
          if (isRefusal(result)) return;
          if (result.replay) expect(result.movements).toEqual([]);
          for (const m of result.movements) moved.set(m.id, m);
          order = result.order;
          last = req;
          lastStore = store;
        });
        const all = [...moved.values()];
        const sum = (ms: LedgerMovement[]) => ms.reduce((t, m) => t + m.quantity, 0);
        const shipped = order.lines.reduce((t, l) => t + (l.shipped ?? 0), 0);
        const received = order.lines.reduce((t, l) => t + (l.received ?? 0), 0);
        const out = sum(all.filter((m) => m.kind === 'transfer-out'));
        const inn = sum(all.filter((m) => m.kind === 'transfer-in' || m.kind === 'receive'));
        if (!isDelivery)
          expect(out).toBe(order.status === 'shipped' || order.status === 'received' ? shipped : 0);
        expect(inn).toBe(order.status === 'received' ? received : 0);
        const chain = all.reduce((t, m) => t + onHandDelta(m), 0);
        if (order.status === 'received') {
          const expected = isDelivery
            ? received
            : order.lines.reduce((t, l) => t + (l.discrepancy ?? 0), 0);
          expect(chain).toBe(expected);
        }
      }),
    );
  });
});
