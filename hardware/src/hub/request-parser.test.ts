import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderReceipt } from '../printer/receipt-layout';
import {
  layoutConsentSlip,
  layoutPackingSlip,
  layoutPickupSlip,
  layoutReturnReceipt,
  layoutShiftReport,
} from '../printer/report-layout';
import { sampleLabel } from '../label/label-fixtures';
import { samplePackingSlip } from '../label/packing-fixtures';
import { encodeShippingLabel } from '../label/shipping-label';
import { parseHubRequest } from './request-parser';
import { sampleReceipt, sampleReturnReceipt, sampleXReport, sampleZReport } from './test-fixtures';

const parse = (value: unknown) => parseHubRequest(JSON.stringify(value));

/** A sample as it is, anything at all, or the sample with one field set to any JSON value. */
const mutate = <T extends object>(sample: T) =>
  fc.oneof(
    fc.constant(sample),
    fc.anything(),
    fc
      .record({ key: fc.constantFrom(...Object.keys(sample)), value: fc.jsonValue() })
      .map(({ key, value }) => ({ ...sample, [key]: value })),
  );

describe('parseHubRequest', () => {
  it('accepts the three request types', () => {
    expect(parse({ id: '1', type: 'drawer:open' })).toEqual({
      ok: true,
      request: { id: '1', type: 'drawer:open' },
    });
    expect(parse({ id: '2', type: 'device:status', extra: true })).toEqual({
      ok: true,
      request: { id: '2', type: 'device:status' },
    });
    expect(
      parse({ id: '3', type: 'printer:print-receipt', receipt: sampleReceipt, columns: 32 }),
    ).toEqual({
      ok: true,
      request: { id: '3', type: 'printer:print-receipt', receipt: sampleReceipt, columns: 32 },
    });
  });

  it('[HB1] answers bad JSON and non-objects with BAD_REQUEST and a null id', () => {
    expect(parseHubRequest('{nope')).toEqual({
      ok: false,
      reply: {
        type: 'reply',
        id: null,
        ok: false,
        error: { code: 'BAD_REQUEST', message: 'the message is not JSON' },
      },
    });
    expect(parse([1, 2])).toMatchObject({
      ok: false,
      reply: { id: null, error: { code: 'BAD_REQUEST' } },
    });
    expect(parse({ type: 'drawer:open' })).toMatchObject({
      ok: false,
      reply: { id: null, error: { code: 'BAD_REQUEST' } },
    });
  });

  it('[HB1] answers an unknown type with UNKNOWN_REQUEST and the request id', () => {
    expect(parse({ id: '7', type: 'printer:explode' })).toMatchObject({
      ok: false,
      reply: { id: '7', error: { code: 'UNKNOWN_REQUEST' } },
    });
  });

  it('[HB1] says what is wrong with a receipt', () => {
    const receipt = {
      ...sampleReceipt,
      total: 12.5,
      lines: [{ name: 'x', quantity: 1, unitPrice: 1 }],
    };
    const result = parse({ id: '8', type: 'printer:print-receipt', receipt });
    expect(result.ok).toBe(false);
    if (result.ok || result.reply.ok) return;
    expect(result.reply.error.code).toBe('BAD_REQUEST');
    expect(result.reply.error.message).toContain('receipt.lines[0].amount is required');
    expect(result.reply.error.message).toContain('receipt.total must be integer');
    expect(
      parse({ id: '9', type: 'printer:print-receipt', receipt: sampleReceipt, columns: 40 }),
    ).toMatchObject({
      ok: false,
      reply: { error: { code: 'BAD_REQUEST', message: '"columns" must be 32 or 48' } },
    });
    const print = (extra: Record<string, unknown>) =>
      parse({ id: '10', type: 'printer:print-receipt', receipt: sampleReceipt, ...extra });
    expect(print({ language: 'fr' })).toMatchObject({
      reply: { error: { message: '"language" must be one of en, zh-CN' } },
    });
    expect(print({ jobId: '' })).toMatchObject({ reply: { error: { code: 'BAD_REQUEST' } } });
    const cardWithoutReference = {
      ...sampleReceipt,
      tenders: [{ kind: 'card', amount: 2620 }],
    };
    expect(print({ receipt: cardWithoutReference })).toMatchObject({
      reply: {
        error: {
          message: 'invalid receipt: receipt.tenders[0].reference is required for a card tender',
        },
      },
    });
    expect(print({ language: 'zh-CN', jobId: 'S1:copy-2' })).toMatchObject({
      ok: true,
      request: { language: 'zh-CN', jobId: 'S1:copy-2' },
    });
  });

  it('[HB1] never throws, whatever arrives', () => {
    const request = fc.record(
      {
        id: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        type: fc.oneof(
          fc.constantFrom('printer:print-receipt', 'drawer:open', 'device:status'),
          fc.string(),
        ),
        receipt: fc.oneof(
          fc.constant(sampleReceipt),
          fc.anything(),
          fc
            .record({ key: fc.constantFrom(...Object.keys(sampleReceipt)), value: fc.jsonValue() })
            .map(({ key, value }) => ({ ...sampleReceipt, [key]: value })),
        ),
        language: fc.oneof(fc.constantFrom('en', 'zh-CN'), fc.anything()),
        jobId: fc.oneof(fc.string(), fc.anything()),
        columns: fc.oneof(fc.constantFrom(32, 48), fc.anything()),
      },
      { requiredKeys: [] },
    );
    const message = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.json(),
      request.map((value) => JSON.stringify(value)),
    );
    fc.assert(
      fc.property(message, (text) => {
        const result = parseHubRequest(text);
        const request = result.ok ? result.request : undefined;
        if (request?.type === 'printer:print-receipt') {
          // What passes the parser lays out without an exception.
          expect(() => renderReceipt(request.receipt, { columns: 32 })).not.toThrow();
        }
        if (!result.ok) {
          expect(result.reply.ok).toBe(false);
          expect(JSON.parse(JSON.stringify(result.reply))).toEqual(result.reply);
        }
      }),
      { numRuns: 1000 },
    );
    // A thousand generated requests; a busy machine needs more than the default 5 s.
  }, 30_000);
});

describe('parseHubRequest: documents (protocol 4)', () => {
  const shift = (report: unknown, extra = {}) =>
    parse({
      id: 'd1',
      type: 'printer:print-document',
      document: { kind: 'shift-report', report },
      ...extra,
    });
  const refund = (receipt: unknown) =>
    parse({
      id: 'd2',
      type: 'printer:print-document',
      document: { kind: 'return-receipt', receipt },
    });

  it('[HB5] accepts an X report, a Z report and a refund receipt with their options', () => {
    expect(shift(sampleXReport, { columns: 32, language: 'zh-CN', jobId: 'J1' })).toEqual({
      ok: true,
      request: {
        id: 'd1',
        type: 'printer:print-document',
        document: { kind: 'shift-report', report: sampleXReport },
        columns: 32,
        language: 'zh-CN',
        jobId: 'J1',
      },
    });
    expect(shift(sampleZReport)).toMatchObject({ ok: true });
    expect(refund(sampleReturnReceipt)).toMatchObject({
      ok: true,
      request: { document: { kind: 'return-receipt', receipt: sampleReturnReceipt } },
    });
  });

  it('[HB5][LY8] accepts a consent slip with an http(s) link, refuses one without', () => {
    const slip = {
      url: 'https://pos.example.cn/consent/AbCdEfGhIjKlMnOpQrStUv',
      expiresAt: '2026-11-22T03:30:00.000Z',
      maskedName: '张*',
      memberId: 'M0001',
    };
    const consent = (value: unknown) =>
      parse({
        id: 'd4',
        type: 'printer:print-document',
        document: { kind: 'consent-slip', slip: value },
      });
    expect(consent(slip)).toMatchObject({
      ok: true,
      request: { document: { kind: 'consent-slip', slip } },
    });
    expect(consent({ ...slip, url: 'javascript:alert(1)' })).toMatchObject({
      ok: false,
      reply: { error: { code: 'BAD_REQUEST', message: expect.stringMatching(/slip.url/) } },
    });
    expect(consent({ ...slip, name: '张伟' })).toMatchObject({
      ok: false,
      reply: { error: { message: expect.stringMatching(/unknown fields: name/) } },
    });
  });

  it('[HB5][LY9] accepts a pickup slip, refuses one with unknown fields or bad figures', () => {
    const slip = {
      purpose: 'pickup',
      factId: 'S001-POS1-01J',
      orderId: 'ORD-1',
      storeName: '演示门店',
      at: '2026-11-22T03:30:00.000Z',
      lines: [{ sku: 'SKU-1', name: '矿泉水', quantity: 1, left: 1 }],
    };
    const pickup = (value: unknown) =>
      parse({
        id: 'd5',
        type: 'printer:print-document',
        document: { kind: 'pickup-slip', slip: value },
      });
    expect(pickup(slip)).toMatchObject({ ok: true, request: { document: { slip } } });
    expect(pickup({ ...slip, phone: '13800138001' })).toMatchObject({
      ok: false,
      reply: { error: { message: expect.stringMatching(/unknown fields: phone/) } },
    });
    expect(pickup({ ...slip, lines: [{ sku: 'SKU-1', name: 'x', quantity: 1.5 }] })).toMatchObject({
      ok: false,
      reply: { error: { code: 'BAD_REQUEST' } },
    });
    expect(pickup({ ...slip, refundTo: 'bank' })).toMatchObject({ ok: false });
  });

  it('[HB5] refuses a Z report without its count, an X report with one, and malformed documents', () => {
    const { countedCash: _c, variance: _v, ...noCount } = sampleZReport;
    const bad = (result: ReturnType<typeof parse>) =>
      result.ok
        ? 'accepted'
        : `${result.reply.ok ? '' : result.reply.error.code}: ${result.reply.ok ? '' : result.reply.error.message}`;
    expect(bad(shift(noCount))).toBe(
      'BAD_REQUEST: invalid shift report: a Z report carries countedCash and variance',
    );
    expect(bad(shift({ ...sampleXReport, variance: 0 }))).toBe(
      'BAD_REQUEST: invalid shift report: an X report carries no countedCash or variance',
    );
    expect(bad(shift({ ...sampleXReport, expectedCash: 1.5 }))).toMatch(
      /^BAD_REQUEST: invalid shift report: report.expectedCash/,
    );
    expect(bad(refund({ ...sampleReturnReceipt, tenders: [{ kind: 'card', amount: 100 }] }))).toBe(
      'BAD_REQUEST: invalid refund receipt: receipt.tenders[0].reference is required for a card tender',
    );
    expect(
      bad(parse({ id: 'd3', type: 'printer:print-document', document: { kind: 'menu' } })),
    ).toBe(
      'BAD_REQUEST: "document.kind" must be shift-report, return-receipt, consent-slip, pickup-slip or packing-slip',
    );
    expect(
      bad(
        parse({
          id: 'd4',
          type: 'printer:print-document',
          document: { kind: 'return-receipt', receipt: sampleReturnReceipt, extra: 1 },
        }),
      ),
    ).toBe('BAD_REQUEST: "document" has unknown fields: extra');
  });

  it('[HB1][HB5] never throws on documents, and what passes lays out', () => {
    const document = fc.oneof(
      fc.record({
        kind: fc.oneof(fc.constant('shift-report'), fc.string()),
        report: fc.oneof(mutate(sampleXReport), mutate(sampleZReport)),
      }),
      fc.record({
        kind: fc.oneof(fc.constant('return-receipt'), fc.string()),
        receipt: mutate(sampleReturnReceipt),
      }),
      fc.record({
        kind: fc.constant('packing-slip'),
        slip: fc.oneof(
          mutate(samplePackingSlip),
          mutate(samplePackingSlip.shipTo).map((shipTo) => ({ ...samplePackingSlip, shipTo })),
        ),
      }),
      fc.anything(),
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            id: fc.oneof(fc.string(), fc.anything()),
            type: fc.oneof(fc.constant('printer:print-document'), fc.string()),
            document,
            columns: fc.oneof(fc.constantFrom(32, 48), fc.anything()),
          },
          { requiredKeys: [] },
        ),
        (value) => {
          const result = parseHubRequest(JSON.stringify(value));
          if (result.ok && result.request.type === 'printer:print-document') {
            const doc = result.request.document;
            expect(() =>
              doc.kind === 'shift-report'
                ? layoutShiftReport(doc.report, { columns: 32 })
                : doc.kind === 'consent-slip'
                  ? layoutConsentSlip(doc.slip, { columns: 32 })
                  : doc.kind === 'pickup-slip'
                    ? layoutPickupSlip(doc.slip, { columns: 32 })
                    : doc.kind === 'packing-slip'
                      ? layoutPackingSlip(doc.slip, { columns: 32 })
                      : layoutReturnReceipt(doc.receipt, { columns: 32 }),
            ).not.toThrow();
          }
          if (!result.ok) expect(JSON.parse(JSON.stringify(result.reply))).toEqual(result.reply);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('parseHubRequest: shipping labels (protocol 5)', () => {
  const problem = (value: unknown) => {
    const result = parse(value);
    if (result.ok) return 'ok';
    const { reply } = result;
    return reply.ok ? 'ok' : `${reply.error.code}: ${reply.error.message}`;
  };

  it('[LH3] a good label passes with its job id; each bad field is named', () => {
    expect(
      parse({ id: 'l1', type: 'printer:print-label', label: sampleLabel, jobId: 'j' }),
    ).toEqual({
      ok: true,
      request: { id: 'l1', type: 'printer:print-label', label: sampleLabel, jobId: 'j' },
    });
    const bad = (label: unknown) => problem({ id: 'l2', type: 'printer:print-label', label });
    expect(bad(undefined)).toBe('BAD_REQUEST: invalid label: "label" must be an object');
    expect(bad({ ...sampleLabel, trackingNo: 'SF 1' })).toBe(
      'BAD_REQUEST: invalid label: label.trackingNo must be 1 to 32 letters, digits or "-"',
    );
    expect(bad({ ...sampleLabel, mode: 'air' })).toBe(
      'BAD_REQUEST: invalid label: label.mode must be ship or same-city',
    );
    expect(bad({ ...sampleLabel, shipTo: { ...sampleLabel.shipTo, email: 'x' } })).toBe(
      'BAD_REQUEST: invalid label: "label.shipTo" has unknown fields: email',
    );
    expect(bad({ ...sampleLabel, orderNumbers: [] })).toBe(
      'BAD_REQUEST: invalid label: label.orderNumbers must list 1 to 50 order numbers of at most 64 characters',
    );
    expect(bad({ ...sampleLabel, weightGrams: 1.5 })).toBe(
      'BAD_REQUEST: invalid label: label.weightGrams must be whole grams from 0 to 1000000',
    );
    expect(bad({ ...sampleLabel, window: { from: 'soon', to: 'later' } })).toBe(
      'BAD_REQUEST: invalid label: label.window must have from and to as ISO 8601 times',
    );
  });

  it('[HB1][LH3] never throws on labels, and what passes encodes in both languages', () => {
    const label = fc.oneof(
      mutate(sampleLabel),
      mutate(sampleLabel.shipTo).map((shipTo) => ({ ...sampleLabel, shipTo })),
      mutate(sampleLabel.from).map((from) => ({ ...sampleLabel, from })),
    );
    fc.assert(
      fc.property(
        fc.record(
          {
            id: fc.oneof(fc.string(), fc.anything()),
            type: fc.oneof(fc.constant('printer:print-label'), fc.string()),
            label,
            jobId: fc.oneof(fc.string(), fc.anything()),
          },
          { requiredKeys: [] },
        ),
        (value) => {
          const result = parseHubRequest(JSON.stringify(value));
          if (result.ok && result.request.type === 'printer:print-label') {
            const { label: parsed } = result.request;
            expect(() => encodeShippingLabel(parsed, { language: 'zpl', dpi: 203 })).not.toThrow();
            expect(() => encodeShippingLabel(parsed, { language: 'tspl', dpi: 300 })).not.toThrow();
          }
          if (!result.ok) expect(JSON.parse(JSON.stringify(result.reply))).toEqual(result.reply);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('parseHubRequest: zones and fitting rooms (protocol 6)', () => {
  it('[HZ2] [HZ3] [HZ4] accepts the fitting rooms, a member link and the tags of a zone', () => {
    expect(parse({ id: '1', type: 'fitting-rooms:get' })).toEqual({
      ok: true,
      request: { id: '1', type: 'fitting-rooms:get' },
    });
    expect(
      parse({
        id: '2',
        type: 'tryon:link-member',
        room: 'FR1',
        memberId: 'M-0001',
        clerkId: 'S001-E03',
      }),
    ).toEqual({
      ok: true,
      request: {
        id: '2',
        type: 'tryon:link-member',
        room: 'FR1',
        memberId: 'M-0001',
        clerkId: 'S001-E03',
      },
    });
    expect(parse({ id: '3', type: 'zone:tags', zone: 'FLOOR' })).toEqual({
      ok: true,
      request: { id: '3', type: 'zone:tags', zone: 'FLOOR' },
    });
    expect(parse({ id: '4', type: 'zone:tags' })).toEqual({
      ok: true,
      request: { id: '4', type: 'zone:tags' },
    });
  });

  it('[HZ3] [HZ4] refuses a link without a room or member, and a zone that is not an id, in words', () => {
    const refusal = (value: object) => {
      const parsed = parse(value);
      return parsed.ok ? null : parsed.reply;
    };
    expect(refusal({ id: '1', type: 'tryon:link-member', memberId: 'M-1' })).toMatchObject({
      id: '1',
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/"room" must be/) },
    });
    expect(
      refusal({ id: '2', type: 'tryon:link-member', room: 'FR1', memberId: '' }),
    ).toMatchObject({
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/"memberId" must be/) },
    });
    expect(
      refusal({ id: '3', type: 'tryon:link-member', room: 'FR1', memberId: 'M-1', clerkId: 7 }),
    ).toMatchObject({ error: { message: expect.stringMatching(/"clerkId" must be/) } });
    expect(refusal({ id: '4', type: 'zone:tags', zone: ' FR1' })).toMatchObject({
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/"zone" must be a zone id/) },
    });
    expect(refusal({ id: '5', type: 'zone:tags', zone: 'x'.repeat(65) })).toMatchObject({
      error: { code: 'BAD_REQUEST' },
    });
  });

  it('[HB1] [HZ3] [HZ4] never throws on zone requests; what passes is well formed', () => {
    const link = { room: 'FR1', memberId: 'M-0001', clerkId: 'S001-E03' };
    fc.assert(
      fc.property(
        fc.record(
          {
            id: fc.oneof(fc.string(), fc.anything()),
            type: fc.oneof(
              fc.constantFrom('tryon:link-member', 'zone:tags', 'fitting-rooms:get'),
              fc.string(),
            ),
            room: fc.oneof(fc.constant('FR1'), fc.string(), fc.anything()),
            memberId: fc.oneof(fc.constant(link.memberId), fc.string(), fc.anything()),
            clerkId: fc.oneof(fc.constant(link.clerkId), fc.string(), fc.anything()),
            zone: fc.oneof(fc.constant('FLOOR'), fc.string(), fc.anything()),
          },
          { requiredKeys: ['id', 'type'] },
        ),
        (value) => {
          const parsed = parse(value);
          if (!parsed.ok) {
            expect(parsed.reply.ok).toBe(false);
            return;
          }
          const request = parsed.request;
          if (request.type === 'tryon:link-member') {
            for (const text of [request.room, request.memberId, request.clerkId ?? 'x']) {
              expect(typeof text).toBe('string');
              expect(text.length).toBeGreaterThan(0);
              expect(text.length).toBeLessThanOrEqual(100);
            }
          }
          if (request.type === 'zone:tags' && request.zone !== undefined) {
            expect(request.zone.length).toBeLessThanOrEqual(64);
          }
        },
      ),
    );
  });
});
