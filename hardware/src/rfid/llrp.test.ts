import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  LLRP_MESSAGE,
  LLRP_PARAM,
  LlrpFramer,
  connectionAttemptEvent,
  connectionAttemptStatus,
  encodeMessage,
  inventoryROSpec,
  llrpStatus,
  parseParams,
  parseTagReports,
  readStatus,
  tagReportData,
  type LlrpRecord,
} from './llrp';

describe('LLRP codec', () => {
  it('frames a message header: version 1, type, length, id', () => {
    const bytes = encodeMessage(LLRP_MESSAGE.KEEPALIVE_ACK, 7);
    expect([...bytes]).toEqual([0x04, 72, 0, 0, 0, 10, 0, 0, 0, 7]);
  });

  it('reads a connection attempt event, a status and tag reports back', () => {
    const event = connectionAttemptEvent(0, 1_700_000_000_000_000n);
    expect(connectionAttemptStatus(event)).toBe(0);
    expect(connectionAttemptStatus(connectionAttemptEvent(2, 0n))).toBe(2);
    expect(readStatus(llrpStatus(0))).toEqual({ code: 0, description: '' });
    expect(readStatus(llrpStatus(101, 'Field Error'))).toEqual({
      code: 101,
      description: 'Field Error',
    });
    const body = new Uint8Array([
      ...tagReportData({ epc: '3074257BF7194E4000001A85', antenna: 2, rssi: -61 }),
      ...tagReportData({ epc: 'E2003412ABCD', antenna: 1, rssi: -70 }),
    ]);
    expect(parseTagReports(body)).toEqual({
      tags: [
        { epc: '3074257BF7194E4000001A85', antenna: 2, rssi: -61 },
        { epc: 'E2003412ABCD', antenna: 1, rssi: -70 },
      ],
      errors: [],
    });
  });

  it('builds a ROSpec whose parameters nest correctly', () => {
    const [roSpec] = parseParams(inventoryROSpec(1234)).params;
    expect(roSpec).toMatchObject({ form: 'tlv', type: LLRP_PARAM.ROSpec });
    const inner = parseParams(roSpec!.value.slice(6));
    expect(inner.error).toBeUndefined();
    expect(inner.params.map((p) => p.type)).toEqual([
      LLRP_PARAM.ROBoundarySpec,
      LLRP_PARAM.AISpec,
      LLRP_PARAM.ROReportSpec,
    ]);
  });

  it('[L1] splits messages across any chunking', () => {
    const messages = [
      encodeMessage(LLRP_MESSAGE.READER_EVENT_NOTIFICATION, 0, connectionAttemptEvent(0, 1n)),
      encodeMessage(LLRP_MESSAGE.KEEPALIVE, 5),
    ];
    const stream = new Uint8Array([...messages[0]!, ...messages[1]!]);
    const framer = new LlrpFramer();
    const records: LlrpRecord[] = [];
    for (let i = 0; i < stream.length; i += 3) records.push(...framer.push(stream.slice(i, i + 3)));
    expect(records.map((r) => r.kind === 'message' && [r.type, r.id])).toEqual([
      [LLRP_MESSAGE.READER_EVENT_NOTIFICATION, 0],
      [LLRP_MESSAGE.KEEPALIVE, 5],
    ]);
  });

  it('[L1] an impossible length is an error record and the framer stops', () => {
    const framer = new LlrpFramer({ maxMessageLength: 1000 });
    const bad = Uint8Array.of(0x04, 61, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1);
    expect(framer.push(bad)).toEqual([
      {
        kind: 'error',
        code: 'BAD_LENGTH',
        message: 'message length 4294967295 is outside 10..1000',
      },
    ]);
    expect(framer.push(encodeMessage(62, 1))).toEqual([]);
  });

  it('[L1][L2] fuzz: random bytes never throw; memory is bounded', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), (chunks) => {
        const framer = new LlrpFramer({ maxMessageLength: 4096 });
        for (const chunk of chunks) {
          for (const record of framer.push(chunk)) {
            if (record.kind === 'message') {
              parseTagReports(record.body);
              connectionAttemptStatus(record.body);
              readStatus(record.body);
            }
          }
          expect(framer.pending).toBeLessThanOrEqual(4096);
        }
      }),
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (body) => {
        const { tags, errors } = parseTagReports(body);
        expect(Array.isArray(tags) && Array.isArray(errors)).toBe(true);
      }),
    );
  });
});
