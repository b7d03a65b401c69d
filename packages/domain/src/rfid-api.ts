/**
 * The wire contract of the server's RFID endpoints (`/_rfid/…`), shared by
 * the server that answers and the devices and console that ask. Types only.
 * Device tokens act for their store; an HQ admin token may name any store.
 * See sync-server/SPEC.md [RI1]-[RI14].
 */
import type { CountAdjustment, CountResult, CountScope, ItemState } from './item-stock';
import type {
  ConversionReport,
  OutboxMessage,
  OutfitSuggestion,
  TriedNotBought,
  TryOnFact,
} from './tryons';

/** `POST /_rfid/items` (admin): tag items at a store (they arrive in stock). */
export type TagItemsRequest = { storeId: string; epcs: string[]; at?: string };
export type TagItemsAnswer = {
  tagged: number;
  /** Already known EPCs: left as they are. */
  known: number;
  refused: { epc: string; reason: string }[];
};

/** `GET /_rfid/items/<epc>`: one item's state. */
export type ItemAnswer = {
  epc: string;
  storeId: string;
  sku: string;
  state: ItemState;
  saleId?: string;
  updatedAt: string;
};

/**
 * `POST /_rfid/counts` (Idempotency-Key = `countId`): what a handheld or a
 * fixed reader read, compared on the server with the expected items. Kept as
 * a draft until approved.
 */
export type CountRequest = {
  countId: string;
  scope: CountScope;
  /** EPCs read, any order, repeats allowed. */
  epcs: string[];
  countedAt: string;
  staffId: string;
};
export type CountAnswer = {
  countId: string;
  storeId: string;
  status: 'draft' | 'approved';
  result: CountResult;
  /** [IT9] What approving it would adjust (or did). */
  adjustments: CountAdjustment[];
};

/** `POST /_rfid/counts/<countId>/approve`: a supervisor or manager approves; stock adjusts through the ledger. */
export type ApproveCountRequest = { approverId: string; at: string };

/** `GET /_rfid/tryons/report?from=&to=[&store=]`. */
export type TryOnReportAnswer = ConversionReport;

/** `GET /_rfid/tryons/not-bought?day=YYYY-MM-DD[&store=]`: the day in the store's time zone. */
export type TriedNotBoughtAnswer = { day: string; items: TriedNotBought[] };

/** `GET /_rfid/tryons?member=<memberId>[&since=]`: a member's tried items (this store's sessions). */
export type MemberTryOnsAnswer = {
  memberId: string;
  tryOns: (Pick<TryOnFact, 'id' | 'epc' | 'room' | 'openedAt' | 'closedAt' | 'durationMs'> & {
    sku: string | null;
    name: string | null;
    sold: boolean;
  })[];
};

/** `GET /_rfid/suggestions?member=<memberId>` or `?skus=a,b`: what a clerk might bring them now. */
export type SuggestionsAnswer = {
  /** The suggestions; empty when the member did not consent to try-on suggestions and none were asked by SKU. */
  suggestions: OutfitSuggestion[];
  /** Whether the member consents to try-on suggestions ([TO12]). */
  consent: boolean;
};

/**
 * `GET /_admin/outbox?status=pending` (the chain's one outbox, sync-server
 * [CS5]; try-on suggestions are the messages of purpose `tryon-suggestions`),
 * and `POST /_admin/outbox/<id>/sent`.
 */
export type OutboxAnswer = { messages: OutboxMessage[] };
