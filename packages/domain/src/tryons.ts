/**
 * Try-ons in fitting rooms: the store's zone engine says where each tag is;
 * a tag entering a fitting-room zone opens a session and leaving closes it;
 * a session long enough is a try-on. Each closed session is a fact (kind
 * `tryOn`), pushed up by the store's fitting-room service. Conversion,
 * the tried-not-bought list and suggestions are read from those facts and
 * the sales. Pure. See SPEC.md [TO1]-[TO13].
 */
import { id, time } from './schema-fields';
import { isIsoInstant, isOwnFactId } from './fact-rules';
import { validateAgainstSchema, type SchemaProblem } from './validate';

/** [TO1] What the store's zones are for. */
export const ZONE_KINDS = ['sales-floor', 'stockroom', 'fitting-room', 'checkout', 'exit'] as const;
export type ZoneKind = (typeof ZONE_KINDS)[number];

/** [TO1] A zone of the store: its id (`FR1`, `FLOOR`), kind and name on screens. */
export type Zone = { id: string; kind: ZoneKind; name: string };

/**
 * [TO2] What the zone engine says about a tag (EdgeX's app-rfid-llrp-inventory
 * semantics): it arrived in the store (first seen, in `zone`), moved from
 * `from` to `zone`, or departed (not seen for the profile's departure time,
 * or seen at the exit; `zone` is where it was last).
 */
export type ZoneEvent = {
  kind: 'arrived' | 'moved' | 'departed';
  epc: string;
  /** GTIN-14 and serial of an SGTIN-96 EPC. */
  gtin?: string;
  serial?: string;
  zone: string;
  /** `moved`: the zone it left. */
  from?: string;
  /** When the engine decided, ISO 8601 (the read's time that decided it). */
  at: string;
};

/** [TO3] The chain's (or store's) fitting-room rules. */
export type FittingRoomPolicy = {
  /** A session at least this long is a try-on. */
  minTryOnMs: number;
  /** [TO8] A try-on converts when its EPC is sold within this after the session closed. */
  conversionWindowMs: number;
  /** A session open longer than this is closed at this length (a tag left in a room). */
  maxSessionMs: number;
};

export const DEFAULT_FITTING_ROOM_POLICY: FittingRoomPolicy = {
  minTryOnMs: 60_000,
  conversionWindowMs: 4 * 60 * 60_000,
  maxSessionMs: 2 * 60 * 60_000,
};

/** [TO3] A session open in a fitting room now. */
export type OpenTryOnSession = {
  /** The session's fact id once closed (device prefix + ULID). */
  id: string;
  storeId: string;
  epc: string;
  gtin?: string;
  serial?: string;
  /** The fitting-room zone. */
  room: string;
  openedAt: string;
  /** [TO6] The member who linked their session at the room, by member QR. */
  memberId?: string;
  /** The clerk serving the room, when one linked it. */
  clerkId?: string;
};

/** [TO4] The fact of a closed session (kind `tryOn`), pushed up once. */
export type TryOnFact = OpenTryOnSession & {
  deviceId: string;
  closedAt: string;
  durationMs: number;
  /** [TO3] Long enough to be a try-on. */
  tryOn: boolean;
  /** How it closed: the tag left the room, departed, or was left too long. */
  closedBy: 'left-room' | 'departed' | 'max-length';
};

const TRY_ON_FACT_SCHEMA = {
  type: 'object',
  properties: {
    id,
    storeId: id,
    deviceId: id,
    epc: { type: 'string', pattern: '^[0-9A-F]{24}$', maxLength: 24 },
    gtin: { type: 'string', pattern: '^\\d{14}$', maxLength: 14 },
    serial: { type: 'string', pattern: '^\\d{1,20}$', maxLength: 20 },
    room: id,
    openedAt: time,
    closedAt: time,
    durationMs: { type: 'integer', minimum: 0, maximum: 86_400_000 },
    tryOn: { type: 'boolean' },
    closedBy: { type: 'string', enum: ['left-room', 'departed', 'max-length'] },
    memberId: id,
    clerkId: id,
  },
  required: [
    'id',
    'storeId',
    'deviceId',
    'epc',
    'room',
    'openedAt',
    'closedAt',
    'durationMs',
    'tryOn',
    'closedBy',
  ],
  additionalProperties: false,
} as const;

/**
 * [TO4] Problems of a `tryOn` fact (its body, without `kind`): the schema,
 * the device's own id, instants, closed after opened and a duration that is
 * the difference.
 */
export function tryOnFactProblems(value: unknown): SchemaProblem[] {
  const problems = validateAgainstSchema(TRY_ON_FACT_SCHEMA, value);
  if (problems.length) return problems;
  const fact = value as TryOnFact;
  if (!isOwnFactId(fact.deviceId, fact.id)) {
    return [
      { path: '$.id', message: `must be the device's own fact id (${fact.deviceId}-<ULID>)` },
    ];
  }
  for (const field of ['openedAt', 'closedAt'] as const) {
    if (!isIsoInstant(fact[field])) {
      return [{ path: `$.${field}`, message: 'must be an ISO-8601 UTC instant' }];
    }
  }
  const length = Date.parse(fact.closedAt) - Date.parse(fact.openedAt);
  if (length < 0) return [{ path: '$.closedAt', message: 'must not be before openedAt' }];
  if (length !== fact.durationMs) {
    return [{ path: '$.durationMs', message: `must be closedAt − openedAt (${length})` }];
  }
  return [];
}

/** [TO8] What the conversion report reads of a try-on, with its SKU's attributes resolved. */
export type TryOnForReport = {
  id: string;
  storeId: string;
  epc: string;
  sku: string | null;
  styleId: string | null;
  colour: string | null;
  size: string | null;
  clerkId: string | null;
  memberId: string | null;
  /** [TO8] When the session opened: a sale while it was open converts too (absent: from `closedAt`). */
  openedAt?: string;
  closedAt: string;
};

/** [TO8] A sale of one EPC, as conversion reads it. */
export type EpcSale = { epc: string; saleId: string; soldAt: string; storeId: string };

/** [TO9] The dimensions conversion is reported by. */
export const CONVERSION_DIMENSIONS = ['style', 'colour', 'size', 'clerk', 'store'] as const;
export type ConversionDimension = (typeof CONVERSION_DIMENSIONS)[number];

/** [TO9] One row of a conversion report. */
export type ConversionRow = {
  /** The dimension's value (style id, colour, size, clerk id, store id); `null` when unknown. */
  key: string | null;
  tryOns: number;
  converted: number;
  /** converted ÷ tryOns in basis points. */
  rateBp: number;
};

/** [TO9] The report for a period: totals and rows per dimension. */
export type ConversionReport = {
  from: string;
  to: string;
  tryOns: number;
  converted: number;
  rateBp: number;
  by: Record<ConversionDimension, ConversionRow[]>;
};

/** [TO10] One line of the daily tried-not-bought list. */
export type TriedNotBought = {
  epc: string;
  sku: string | null;
  styleId: string | null;
  colour: string | null;
  size: string | null;
  storeId: string;
  /** Try-ons of this EPC that day. */
  tryOns: number;
  lastClosedAt: string;
};

/** [TO11] What the chain may suggest to a member after they leave. */
export type OutfitSuggestion =
  | {
      kind: 'other-variant';
      /** The SKU they tried and did not buy. */
      triedSku: string;
      /** Another size or colour of its style in stock nearby. */
      sku: string;
      storeId: string;
      distanceKm: number;
      atp: number;
    }
  | {
      kind: 'bought-together';
      triedSku: string;
      sku: string;
      /** Sales in which both were bought. */
      together: number;
    };

/**
 * [TO12] A message for the member, in the chain's one message outbox
 * (sync-server [CS5]) that the mini-program or WeCom sender reads: pending
 * until the sender marks it sent; cancelled when the member withdraws
 * consent first ([CS4]). Member id and SKUs only, no plaintext personal data.
 */
export type OutboxMessage = {
  /** `tryon-visit:<memberId>:<storeId>:<first session id>`: one per member and visit. */
  id: string;
  memberId: string;
  purpose: 'tryon-suggestions';
  channel: 'mini-program' | 'wecom';
  /** The sender's text: the suggested SKUs, no personal data. */
  body: string;
  /** What the message is about: the store and the sessions it follows. */
  storeId: string;
  sessionIds: string[];
  suggestions: OutfitSuggestion[];
  createdAt: string;
  status: 'pending' | 'sent' | 'cancelled';
  sentAt?: string;
  cancelledAt?: string;
  reason?: string;
};

/** [TO13] A fitting room as the tablet shows it now. */
export type FittingRoomView = {
  room: Zone;
  /** Tags in the room now, with their session. */
  sessions: (OpenTryOnSession & { durationMs: number })[];
};
