import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderReceipt } from '../printer/receipt-layout';
import { parseHubRequest } from './request-parser';
import { sampleReceipt } from './test-fixtures';

const parse = (value: unknown) => parseHubRequest(JSON.stringify(value));

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

  it('[H1] answers bad JSON and non-objects with BAD_REQUEST and a null id', () => {
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

  it('[H1] answers an unknown type with UNKNOWN_REQUEST and the request id', () => {
    expect(parse({ id: '7', type: 'printer:explode' })).toMatchObject({
      ok: false,
      reply: { id: '7', error: { code: 'UNKNOWN_REQUEST' } },
    });
  });

  it('[H1] says what is wrong with a receipt', () => {
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

  it('[H1] never throws, whatever arrives', () => {
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
  });
});
