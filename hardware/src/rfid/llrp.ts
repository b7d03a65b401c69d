/**
 * The little of LLRP 1.0.1 (EPCglobal Low Level Reader Protocol, TCP 5084)
 * that a POS needs: the message frame, TLV and TV parameters, a ROSpec that
 * inventories all antennas and reports every tag, and tag reports.
 * [L1] The framer never throws and holds at most `maxMessageLength` bytes;
 *      a header with an impossible length is an error record (a TCP stream
 *      cannot be resynchronised, so the caller closes the connection).
 * [L2] Parameter parsing never throws: a parameter that runs past its
 *      parent stops the parse with an error, and what was read is kept.
 */
export const LLRP_PORT = 5084;
const VERSION = 1;
const HEADER = 10;

export const LLRP_MESSAGE = {
  ADD_ROSPEC: 20,
  DELETE_ROSPEC: 21,
  START_ROSPEC: 22,
  STOP_ROSPEC: 23,
  ENABLE_ROSPEC: 24,
  CLOSE_CONNECTION: 14,
  CLOSE_CONNECTION_RESPONSE: 4,
  ADD_ROSPEC_RESPONSE: 30,
  DELETE_ROSPEC_RESPONSE: 31,
  START_ROSPEC_RESPONSE: 32,
  STOP_ROSPEC_RESPONSE: 33,
  ENABLE_ROSPEC_RESPONSE: 34,
  RO_ACCESS_REPORT: 61,
  KEEPALIVE: 62,
  READER_EVENT_NOTIFICATION: 63,
  KEEPALIVE_ACK: 72,
  ERROR_MESSAGE: 100,
} as const;

export const LLRP_PARAM = {
  UTCTimestamp: 128,
  ROSpec: 177,
  ROBoundarySpec: 178,
  ROSpecStartTrigger: 179,
  ROSpecStopTrigger: 182,
  AISpec: 183,
  AISpecStopTrigger: 184,
  InventoryParameterSpec: 186,
  ROReportSpec: 237,
  TagReportContentSelector: 238,
  TagReportData: 240,
  EPCData: 241,
  ReaderEventNotificationData: 246,
  ConnectionAttemptEvent: 256,
  LLRPStatus: 287,
} as const;

/** TV parameter types and their value lengths in bytes. */
const TV_LENGTHS: Readonly<Record<number, number>> = {
  1: 2, // AntennaID
  2: 8,
  3: 8,
  4: 8,
  5: 8,
  6: 1, // PeakRSSI (signed dBm)
  7: 2,
  8: 2,
  9: 4,
  10: 2,
  11: 2,
  12: 2,
  13: 12, // EPC-96
  14: 2,
  15: 2,
  16: 4,
  17: 2,
  18: 4,
  19: 2,
  20: 2,
};
export const TV_ANTENNA_ID = 1;
export const TV_PEAK_RSSI = 6;
export const TV_EPC_96 = 13;

export type LlrpMessage = { type: number; id: number; body: Uint8Array };
export type LlrpFrameError = { kind: 'error'; code: 'BAD_LENGTH' | 'BAD_VERSION'; message: string };
export type LlrpRecord = ({ kind: 'message' } & LlrpMessage) | LlrpFrameError;

export function encodeMessage(
  type: number,
  id: number,
  body: Uint8Array = new Uint8Array(),
): Uint8Array {
  const out = new Uint8Array(HEADER + body.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, (VERSION << 10) | (type & 0x3ff));
  view.setUint32(2, out.length);
  view.setUint32(6, id >>> 0);
  out.set(body, HEADER);
  return out;
}

/** [L1] Splits a TCP stream into messages. */
export class LlrpFramer {
  readonly #maxMessageLength: number;
  #pending = new Uint8Array(0);
  #failed = false;

  constructor(options: { maxMessageLength?: number } = {}) {
    this.#maxMessageLength = options.maxMessageLength ?? 1024 * 1024;
  }

  push(chunk: Uint8Array): LlrpRecord[] {
    if (this.#failed) return [];
    const bytes = concat(this.#pending, chunk);
    const out: LlrpRecord[] = [];
    let at = 0;
    while (bytes.length - at >= HEADER) {
      const view = new DataView(bytes.buffer, bytes.byteOffset + at);
      const first = view.getUint16(0);
      const length = view.getUint32(2);
      if (((first >> 10) & 0x7) !== VERSION) {
        out.push(this.#fail('BAD_VERSION', `LLRP version ${(first >> 10) & 0x7} is not 1`));
        return out;
      }
      if (length < HEADER || length > this.#maxMessageLength) {
        out.push(
          this.#fail(
            'BAD_LENGTH',
            `message length ${length} is outside ${HEADER}..${this.#maxMessageLength}`,
          ),
        );
        return out;
      }
      if (bytes.length - at < length) break;
      out.push({
        kind: 'message',
        type: first & 0x3ff,
        id: view.getUint32(6),
        body: bytes.slice(at + HEADER, at + length),
      });
      at += length;
    }
    this.#pending = bytes.slice(at);
    return out;
  }

  /** Bytes held for an incomplete message (at most maxMessageLength). */
  get pending(): number {
    return this.#pending.length;
  }

  #fail(code: LlrpFrameError['code'], message: string): LlrpFrameError {
    this.#failed = true;
    this.#pending = new Uint8Array(0);
    return { kind: 'error', code, message };
  }
}

export type LlrpParam =
  | { form: 'tlv'; type: number; value: Uint8Array }
  | { form: 'tv'; type: number; value: Uint8Array };

/** [L2] The parameters in `bytes`, in order; stops at the first malformed one. */
export function parseParams(bytes: Uint8Array): { params: LlrpParam[]; error?: string } {
  const params: LlrpParam[] = [];
  let at = 0;
  while (at < bytes.length) {
    const first = bytes[at] as number;
    if (first & 0x80) {
      const type = first & 0x7f;
      const length = TV_LENGTHS[type];
      if (length === undefined) return { params, error: `unknown TV parameter ${type}` };
      if (at + 1 + length > bytes.length)
        return { params, error: `TV parameter ${type} is cut off` };
      params.push({ form: 'tv', type, value: bytes.slice(at + 1, at + 1 + length) });
      at += 1 + length;
      continue;
    }
    if (at + 4 > bytes.length) return { params, error: 'TLV header is cut off' };
    const type = (((bytes[at] as number) << 8) | (bytes[at + 1] as number)) & 0x3ff;
    const length = ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number);
    if (length < 4 || at + length > bytes.length) {
      return { params, error: `TLV parameter ${type} has length ${length}, past its parent` };
    }
    params.push({ form: 'tlv', type, value: bytes.slice(at + 4, at + length) });
    at += length;
  }
  return { params };
}

export function tlv(type: number, ...parts: Uint8Array[]): Uint8Array {
  const value = concat(...parts);
  const out = new Uint8Array(4 + value.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, type & 0x3ff);
  view.setUint16(2, out.length);
  out.set(value, 4);
  return out;
}

export function tv(type: number, value: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(0x80 | type), value);
}

export const u8 = (n: number) => Uint8Array.of(n & 0xff);
export const u16 = (n: number) => Uint8Array.of((n >> 8) & 0xff, n & 0xff);
export const u32 = (n: number) => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n >>> 0);
  return out;
};

/** LLRPStatus with StatusCode 0 (M_Success) or another code and a description. */
export function llrpStatus(code = 0, description = ''): Uint8Array {
  const text = new TextEncoder().encode(description);
  return tlv(LLRP_PARAM.LLRPStatus, u16(code), u16(text.length), text);
}

/** Reads the LLRPStatus of a response body: code 0 is success. */
export function readStatus(body: Uint8Array): { code: number; description: string } | undefined {
  const status = parseParams(body).params.find(
    (p) => p.form === 'tlv' && p.type === LLRP_PARAM.LLRPStatus,
  );
  if (!status || status.value.length < 4) return undefined;
  const code = ((status.value[0] as number) << 8) | (status.value[1] as number);
  const length = ((status.value[2] as number) << 8) | (status.value[3] as number);
  return { code, description: new TextDecoder().decode(status.value.slice(4, 4 + length)) };
}

/**
 * A ROSpec that inventories all antennas until stopped and reports every tag
 * at once with its antenna and peak RSSI.
 */
export function inventoryROSpec(roSpecId: number): Uint8Array {
  const boundary = tlv(
    LLRP_PARAM.ROBoundarySpec,
    tlv(LLRP_PARAM.ROSpecStartTrigger, u8(0)), // null: started by START_ROSPEC
    tlv(LLRP_PARAM.ROSpecStopTrigger, u8(0), u32(0)), // null: until STOP_ROSPEC
  );
  const aiSpec = tlv(
    LLRP_PARAM.AISpec,
    u16(1),
    u16(0), // antenna 0: all
    tlv(LLRP_PARAM.AISpecStopTrigger, u8(0), u32(0)),
    tlv(LLRP_PARAM.InventoryParameterSpec, u16(1), u8(1)), // EPCglobal C1G2
  );
  // Report upon each tag (N = 1): antenna id and peak RSSI enabled.
  const selector = (1 << 12) | (1 << 10);
  const report = tlv(
    LLRP_PARAM.ROReportSpec,
    u8(1),
    u16(1),
    tlv(LLRP_PARAM.TagReportContentSelector, u16(selector)),
  );
  return tlv(LLRP_PARAM.ROSpec, u32(roSpecId), u8(0), u8(0), boundary, aiSpec, report);
}

export type LlrpTag = { epc: string; antenna?: number; rssi?: number };

/** Tags of an RO_ACCESS_REPORT body; malformed parameters are reported, not thrown. */
export function parseTagReports(body: Uint8Array): { tags: LlrpTag[]; errors: string[] } {
  const tags: LlrpTag[] = [];
  const errors: string[] = [];
  const top = parseParams(body);
  if (top.error) errors.push(top.error);
  for (const param of top.params) {
    if (param.form !== 'tlv' || param.type !== LLRP_PARAM.TagReportData) continue;
    const inner = parseParams(param.value);
    if (inner.error) errors.push(inner.error);
    const tag: Partial<LlrpTag> = {};
    for (const p of inner.params) {
      if (p.form === 'tv' && p.type === TV_EPC_96) tag.epc = hex(p.value);
      else if (p.form === 'tlv' && p.type === LLRP_PARAM.EPCData && p.value.length >= 2) {
        const bits = ((p.value[0] as number) << 8) | (p.value[1] as number);
        tag.epc = hex(p.value.slice(2, 2 + Math.ceil(bits / 8)));
      } else if (p.form === 'tv' && p.type === TV_ANTENNA_ID) {
        tag.antenna = ((p.value[0] as number) << 8) | (p.value[1] as number);
      } else if (p.form === 'tv' && p.type === TV_PEAK_RSSI) {
        tag.rssi = ((p.value[0] as number) << 24) >> 24;
      }
    }
    if (tag.epc) tags.push(tag as LlrpTag);
    else errors.push('TagReportData without an EPC');
  }
  return { tags, errors };
}

/** TagReportData for the simulator: EPC-96 as TV when 96 bits, else EPCData. */
export function tagReportData(tag: { epc: string; antenna?: number; rssi?: number }): Uint8Array {
  const epc = fromHex(tag.epc);
  const epcParam =
    epc.length === 12 ? tv(TV_EPC_96, epc) : tlv(LLRP_PARAM.EPCData, u16(epc.length * 8), epc);
  return tlv(
    LLRP_PARAM.TagReportData,
    epcParam,
    tv(TV_ANTENNA_ID, u16(tag.antenna ?? 1)),
    tv(TV_PEAK_RSSI, u8(tag.rssi ?? -55)),
  );
}

/** READER_EVENT_NOTIFICATION body with a ConnectionAttemptEvent (0 = success). */
export function connectionAttemptEvent(status: number, micros: bigint): Uint8Array {
  const stamp = new Uint8Array(8);
  new DataView(stamp.buffer).setBigUint64(0, micros);
  return tlv(
    LLRP_PARAM.ReaderEventNotificationData,
    tlv(LLRP_PARAM.UTCTimestamp, stamp),
    tlv(LLRP_PARAM.ConnectionAttemptEvent, u16(status)),
  );
}

/** The ConnectionAttemptEvent status in a READER_EVENT_NOTIFICATION body, if any. */
export function connectionAttemptStatus(body: Uint8Array): number | undefined {
  for (const param of parseParams(body).params) {
    if (param.form !== 'tlv' || param.type !== LLRP_PARAM.ReaderEventNotificationData) continue;
    for (const inner of parseParams(param.value).params) {
      if (
        inner.form === 'tlv' &&
        inner.type === LLRP_PARAM.ConnectionAttemptEvent &&
        inner.value.length >= 2
      ) {
        return ((inner.value[0] as number) << 8) | (inner.value[1] as number);
      }
    }
  }
  return undefined;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0').toUpperCase()).join('');
}

function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[^0-9a-fA-F]/g, '');
  return Uint8Array.from({ length: clean.length >> 1 }, (_, i) =>
    Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16),
  );
}
