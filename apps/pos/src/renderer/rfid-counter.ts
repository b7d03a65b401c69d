/**
 * RFID checkout on the till's screen ([TL8] [TL9]): which reader is the
 * counter's, whether the till is on the sale screen, and the tags refused in
 * the cart so far, in the screen's words.
 */
import { refusedItem, type Outcome, type RfidCheckoutResult, type TillState } from '@pos/app-core';
import type { ReturnDraft } from '@pos/domain';
import type { DeviceStatus } from '@pos/hardware/protocol';
import { phraseBook } from '@pos/ui';

/**
 * [TL8] The counter's reader: the one the configuration names, else the
 * hub's only RFID reader while the hub has reported no zone events (with a
 * zone engine the store's readers watch the floor: the counter's must be named).
 */
export function counterReaderOf(
  configured: string | undefined,
  devices: readonly DeviceStatus[],
  zoneEngineSeen: boolean,
): string | undefined {
  if (configured) return configured;
  if (zoneEngineSeen) return undefined;
  const readers = devices.filter((d) => d.kind === 'rfid');
  return readers.length === 1 ? readers[0]!.id : undefined;
}

/**
 * [TL8] Tag reads ring up a sale only on the sale screen: someone signed
 * in, the shift open, and no payment, return, report, pickup or parcel open,
 * nor a desk's dialog (`deskOpen`).
 */
export function onSaleScreen(
  till: Pick<
    TillState,
    'staff' | 'shift' | 'returning' | 'report' | 'pickup' | 'orderReturn' | 'parcel'
  >,
  ui: { paying: boolean; deskOpen: boolean },
): boolean {
  return (
    till.staff !== null &&
    till.shift !== null &&
    !ui.paying &&
    !ui.deskOpen &&
    till.returning === null &&
    till.report === null &&
    till.pickup === null &&
    till.orderReturn === null &&
    till.parcel === null
  );
}

/** [TL9] A tag refused in this cart, as the screen lists it. */
export type RefusedTag = { epc: string; code: string; item: string };

/** The codes of refusals the cart lists; a tag in the cart already is never one. */
const LISTED = [
  'RFID_SOLD',
  'RFID_NOT_TRADE_ITEM',
  'RFID_UNKNOWN_PRODUCT',
  'RFID_WEIGHED',
  'RFID_NOT_SELLABLE',
];

/**
 * [TL9] The refused tags after a batch of reads: the earlier ones and each
 * tag the batch's notices name, once (the app core leaves out the quiet ones).
 */
export function refusedAfter(
  before: readonly RefusedTag[],
  outcome: Outcome<RfidCheckoutResult>,
): RefusedTag[] {
  if (!outcome.ok) return [...before];
  const told = new Set(
    outcome.notices.flatMap((n) =>
      n.code && LISTED.includes(n.code) ? (n.params?.epcs ?? '').split('、') : [],
    ),
  );
  const byEpc = new Map(before.map((r) => [r.epc, r]));
  for (const refusal of outcome.value.refused) {
    if (!told.has(refusal.epc)) continue;
    const code = outcome.notices.find(
      (n) => n.code && LISTED.includes(n.code) && n.params?.epcs?.split('、').includes(refusal.epc),
    )?.code;
    if (!code) continue;
    byEpc.set(refusal.epc, { epc: refusal.epc, code, item: refusedItem(refusal) });
  }
  return [...byEpc.values()];
}

/**
 * [TL10] A return's request with the EPCs the counter reader read while it
 * was open ([RC6]): per line sold by RFID, the tags read that the line sold
 * and that did not come back before, at most the units returned. A line
 * whose every unit left comes back names none (all its EPCs left go back).
 */
export function withReturnedEpcs(
  draft: ReturnDraft,
  request: readonly { lineId: string; quantity: number }[],
  read: ReadonlySet<string>,
): { lineId: string; quantity: number; epcs?: string[] }[] {
  const back = new Set(draft.previous.flatMap((r) => r.lines.flatMap((l) => l.epcs ?? [])));
  return request.map((line) => {
    const sold = draft.sale.lines.find((l) => l.lineId === line.lineId);
    if (!sold?.epcs) return line;
    const before = draft.previous
      .flatMap((r) => r.lines)
      .filter((l) => l.lineId === line.lineId)
      .reduce((n, l) => n + l.quantity, 0);
    if (before + line.quantity >= sold.quantity) return line;
    const epcs = sold.epcs.filter((e) => read.has(e) && !back.has(e)).slice(0, line.quantity);
    return epcs.length > 0 ? { ...line, epcs } : line;
  });
}

/** The words of RFID checkout on the till's screen. */
export const rfidWords = phraseBook(
  {
    RFID: 'RFID',
    'Tags refused': '未加入的标签',
    RFID_SOLD: '已售出',
    RFID_NOT_TRADE_ITEM: '不是商品标签',
    RFID_UNKNOWN_PRODUCT: '目录中没有此商品',
    RFID_WEIGHED: '称重商品，请扫秤签',
    RFID_NOT_SELLABLE: '不能销售',
  },
  {
    RFID_SOLD: 'Already sold',
    RFID_NOT_TRADE_ITEM: "Not a trade item's tag",
    RFID_UNKNOWN_PRODUCT: 'Not in the catalog',
    RFID_WEIGHED: 'Weighed: scan its label',
    RFID_NOT_SELLABLE: 'Cannot be sold',
  },
);
