/**
 * The one runtime validation of hub requests, for every path into the hub:
 * the WebSocket (`parseHubRequest`, JSON text) and Electron IPC
 * (`validateHubRequest`, a structured-cloned value). Pure; [HB1] never throws:
 * any input is a request or an error reply that says what is wrong.
 */
import {
  RETURN_RECEIPT_SCHEMA,
  SALE_RECEIPT_SCHEMA,
  SHIFT_REPORT_SCHEMA,
  validateAgainstSchema,
  type ReturnReceipt,
  type SaleReceipt,
  type ShiftReport,
} from '@pos/domain';
import { TRACKING_NO } from '../label/label-layout';
import type {
  ConsentSlip,
  PackingSlip,
  PickupSlip,
  PrintableDocument,
  HubReply,
  HubRequest,
  HubRequestType,
  ReceiptColumns,
  ReceiptLanguage,
  ShippingLabel,
} from './protocol';

export type ParsedRequest = { ok: true; request: HubRequest } | { ok: false; reply: HubReply };

const REQUEST_TYPES: readonly HubRequestType[] = [
  'printer:print-receipt',
  'printer:print-document',
  'printer:print-label',
  'drawer:open',
  'device:status',
  'fitting-rooms:get',
  'tryon:link-member',
  'zone:tags',
];
const LANGUAGES: readonly ReceiptLanguage[] = ['en', 'zh-CN'];
const MAX_ID_LENGTH = 128;

/** [HB6] What the schema cannot say: each tender kind carries its own fields. */
function tenderProblems(
  receipt: { tenders: readonly { kind: string }[] },
  refund = false,
): string[] {
  return receipt.tenders.flatMap((tender, i) => {
    const at = `receipt.tenders[${i}]`;
    const t = tender as Record<string, unknown>;
    if ((tender.kind === 'card' || tender.kind === 'mobile') && typeof t.reference !== 'string')
      return [`${at}.reference is required for a ${tender.kind} tender`];
    if (tender.kind === 'mobile' && typeof t.provider !== 'string' && !refund)
      return [`${at}.provider is required for a mobile tender`];
    if (tender.kind === 'points' && typeof t.points !== 'number')
      return [`${at}.points is required for a points tender`];
    return [];
  });
}

/** [HB1] A WebSocket message (JSON text) as a request, or the error reply. */
export function parseHubRequest(message: string): ParsedRequest {
  let value: unknown;
  try {
    value = JSON.parse(message);
  } catch {
    return fail(null, 'BAD_REQUEST', 'the message is not JSON');
  }
  return validateHubRequest(value);
}

/**
 * [HB1] Any value (a parsed WebSocket message, the arguments of an IPC call) as
 * a request, or the error reply: the same checks and the same words on every
 * path.
 */
export function validateHubRequest(value: unknown): ParsedRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(null, 'BAD_REQUEST', 'the message must be a JSON object');
  }
  const { id, type } = value as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
    return fail(null, 'BAD_REQUEST', `"id" must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  }
  if (!REQUEST_TYPES.includes(type as HubRequestType)) {
    return fail(
      id,
      'UNKNOWN_REQUEST',
      `unknown request type ${JSON.stringify(type)}; expected one of ${REQUEST_TYPES.join(', ')}`,
    );
  }
  if (type === 'drawer:open' || type === 'device:status' || type === 'fitting-rooms:get') {
    return { ok: true, request: { id, type } as HubRequest };
  }
  if (type === 'tryon:link-member' || type === 'zone:tags') {
    return zoneRequest(id, type, value as Record<string, unknown>);
  }

  const { receipt, document, label, columns, language, jobId } = value as Record<string, unknown>;
  if (columns !== undefined && columns !== 32 && columns !== 48) {
    return fail(id, 'BAD_REQUEST', '"columns" must be 32 or 48');
  }
  if (language !== undefined && !LANGUAGES.includes(language as ReceiptLanguage)) {
    return fail(id, 'BAD_REQUEST', `"language" must be one of ${LANGUAGES.join(', ')}`);
  }
  if (
    jobId !== undefined &&
    (typeof jobId !== 'string' || jobId.length === 0 || jobId.length > MAX_ID_LENGTH)
  ) {
    return fail(id, 'BAD_REQUEST', `"jobId" must be a string of 1 to ${MAX_ID_LENGTH} characters`);
  }
  if (type === 'printer:print-label') {
    const problem = shippingLabelProblem(label);
    if (problem) return fail(id, 'BAD_REQUEST', `invalid label: ${problem}`);
    return {
      ok: true,
      request: {
        id,
        type,
        label: label as ShippingLabel,
        ...(typeof jobId === 'string' ? { jobId } : {}),
      },
    };
  }
  const options = {
    ...(columns === undefined ? {} : { columns: columns as ReceiptColumns }),
    ...(language === undefined ? {} : { language: language as ReceiptLanguage }),
    ...(typeof jobId === 'string' ? { jobId } : {}),
  };
  if (type === 'printer:print-document') {
    const parsed = parseDocument(document);
    if (typeof parsed === 'string') return fail(id, 'BAD_REQUEST', parsed);
    return { ok: true, request: { id, type, document: parsed, ...options } };
  }
  const problems = validateAgainstSchema(SALE_RECEIPT_SCHEMA, receipt);
  const shown = problems.length
    ? problems.map((p) => `${p.path.replace(/^\$/, 'receipt')} ${p.message}`)
    : tenderProblems(receipt as SaleReceipt);
  if (shown.length > 0) {
    return fail(id, 'BAD_REQUEST', `invalid receipt: ${shown.slice(0, 5).join('; ')}`);
  }
  return {
    ok: true,
    request: { id, type: 'printer:print-receipt', receipt: receipt as SaleReceipt, ...options },
  };
}

/**
 * [HB5] A document to print: a shift report (a Z report with its cash count
 * and variance, an X report with neither) or a refund receipt, each against
 * its schema; else what is wrong, in words.
 */
function parseDocument(document: unknown): PrintableDocument | string {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    return '"document" must be an object';
  }
  const { kind, report, receipt, slip, ...rest } = document as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) return `"document" has unknown fields: ${extra.slice(0, 5).join(', ')}`;
  const listed = (name: string, problems: { path: string; message: string }[]) =>
    problems.map((p) => `${p.path.replace(/^\$/, name)} ${p.message}`);
  if (kind === 'shift-report') {
    let shown = listed('report', validateAgainstSchema(SHIFT_REPORT_SCHEMA, report));
    if (shown.length === 0) {
      const r = report as ShiftReport;
      const closing = r.countedCash !== undefined && r.variance !== undefined;
      const neither = r.countedCash === undefined && r.variance === undefined;
      if (r.kind === 'z' && !closing) shown = ['a Z report carries countedCash and variance'];
      if (r.kind === 'x' && !neither) shown = ['an X report carries no countedCash or variance'];
    }
    if (shown.length > 0) return `invalid shift report: ${shown.slice(0, 5).join('; ')}`;
    return { kind, report: report as ShiftReport };
  }
  if (kind === 'return-receipt') {
    const problems = validateAgainstSchema(RETURN_RECEIPT_SCHEMA, receipt);
    const shown = problems.length
      ? listed('receipt', problems)
      : tenderProblems(receipt as ReturnReceipt, true);
    if (shown.length > 0) return `invalid refund receipt: ${shown.slice(0, 5).join('; ')}`;
    return { kind, receipt: receipt as ReturnReceipt };
  }
  if (kind === 'consent-slip') {
    const problem = consentSlipProblem(slip);
    if (problem) return `invalid consent slip: ${problem}`;
    const { url, expiresAt, maskedName, memberId } = slip as ConsentSlip;
    return {
      kind,
      slip: { url, expiresAt, memberId, ...(maskedName !== undefined ? { maskedName } : {}) },
    };
  }
  if (kind === 'pickup-slip') {
    const problem = pickupSlipProblem(slip);
    if (problem) return `invalid pickup slip: ${problem}`;
    return { kind, slip: slip as PickupSlip };
  }
  if (kind === 'packing-slip') {
    const problem = packingSlipProblem(slip);
    if (problem) return `invalid packing slip: ${problem}`;
    return { kind, slip: slip as PackingSlip };
  }
  return '"document.kind" must be shift-report, return-receipt, consent-slip, pickup-slip or packing-slip';
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown, max = 200) => shortText(v, max) && (v as string).length > 0;
const isoTime = (v: unknown) =>
  typeof v === 'string' && v.length <= 64 && !Number.isNaN(Date.parse(v));

function unknownFields(name: string, value: Record<string, unknown>, known: readonly string[]) {
  const extra = Object.keys(value).filter((k) => !known.includes(k));
  return extra.length > 0 ? `"${name}" has unknown fields: ${extra.slice(0, 5).join(', ')}` : null;
}

/** [FS8] The recipient as the label and slip print it: name, phone, region, street. */
function shipToProblem(where: string, shipTo: unknown): string | null {
  if (!isObject(shipTo)) return `${where}.shipTo must be an object`;
  const extra = unknownFields(`${where}.shipTo`, shipTo, ['name', 'phone', 'region', 'detail']);
  if (extra) return extra;
  if (!shortText(shipTo.name, 64))
    return `${where}.shipTo.name must be a string of at most 64 characters`;
  if (!shortText(shipTo.phone, 32))
    return `${where}.shipTo.phone must be a string of at most 32 characters`;
  if (!shortText(shipTo.region))
    return `${where}.shipTo.region must be a string of at most 200 characters`;
  if (!shortText(shipTo.detail, 500))
    return `${where}.shipTo.detail must be a string of at most 500 characters`;
  return null;
}

function orderNumbersProblem(where: string, numbers: unknown): string | null {
  if (
    !Array.isArray(numbers) ||
    numbers.length === 0 ||
    numbers.length > 50 ||
    !numbers.every((n) => nonEmpty(n, 64))
  ) {
    return `${where}.orderNumbers must list 1 to 50 order numbers of at most 64 characters`;
  }
  return null;
}

const LABEL_FIELDS = [
  'shipmentId',
  'carrier',
  'trackingNo',
  'mode',
  'from',
  'shipTo',
  'orderNumbers',
  'weightGrams',
  'window',
] as const;

/** [LH3] A shipping label's fields, or what is wrong with them. */
function shippingLabelProblem(label: unknown): string | null {
  if (!isObject(label)) return '"label" must be an object';
  const extra = unknownFields('label', label, LABEL_FIELDS);
  if (extra) return extra;
  if (!nonEmpty(label.shipmentId))
    return 'label.shipmentId must be a non-empty string of at most 200 characters';
  if (!nonEmpty(label.carrier, 64))
    return 'label.carrier must be a non-empty string of at most 64 characters';
  if (typeof label.trackingNo !== 'string' || !TRACKING_NO.test(label.trackingNo)) {
    return 'label.trackingNo must be 1 to 32 letters, digits or "-"';
  }
  if (label.mode !== 'ship' && label.mode !== 'same-city')
    return 'label.mode must be ship or same-city';
  const from = label.from;
  if (
    !isObject(from) ||
    unknownFields('label.from', from, ['name', 'region']) ||
    !nonEmpty(from.name, 100) ||
    (from.region !== undefined && !shortText(from.region))
  ) {
    return 'label.from must have a name (at most 100 characters) and optionally a region';
  }
  const shipTo = shipToProblem('label', label.shipTo);
  if (shipTo) return shipTo;
  const orders = orderNumbersProblem('label', label.orderNumbers);
  if (orders) return orders;
  if (
    label.weightGrams !== undefined &&
    (!Number.isSafeInteger(label.weightGrams) ||
      (label.weightGrams as number) < 0 ||
      (label.weightGrams as number) > 1_000_000)
  ) {
    return 'label.weightGrams must be whole grams from 0 to 1000000';
  }
  const window = label.window;
  if (
    window !== undefined &&
    (!isObject(window) ||
      unknownFields('label.window', window, ['from', 'to']) ||
      !isoTime(window.from) ||
      !isoTime(window.to))
  ) {
    return 'label.window must have from and to as ISO 8601 times';
  }
  return null;
}

const PACKING_SLIP_FIELDS = [
  'shipmentId',
  'orderNumbers',
  'storeName',
  'packedAt',
  'carrier',
  'trackingNo',
  'shipTo',
  'lines',
  'staffId',
] as const;

/** [HB5] A packing slip's fields, or what is wrong with them. */
function packingSlipProblem(slip: unknown): string | null {
  if (!isObject(slip)) return '"slip" must be an object';
  const extra = unknownFields('slip', slip, PACKING_SLIP_FIELDS);
  if (extra) return extra;
  for (const name of ['shipmentId', 'storeName', 'carrier'] as const) {
    if (!nonEmpty(slip[name]))
      return `slip.${name} must be a non-empty string of at most 200 characters`;
  }
  if (typeof slip.trackingNo !== 'string' || !TRACKING_NO.test(slip.trackingNo)) {
    return 'slip.trackingNo must be 1 to 32 letters, digits or "-"';
  }
  if (!isoTime(slip.packedAt)) return 'slip.packedAt must be an ISO 8601 time';
  if (slip.staffId !== undefined && !shortText(slip.staffId, 64)) {
    return 'slip.staffId must be a string of at most 64 characters';
  }
  const orders = orderNumbersProblem('slip', slip.orderNumbers);
  if (orders) return orders;
  const shipTo = shipToProblem('slip', slip.shipTo);
  if (shipTo) return shipTo;
  if (!Array.isArray(slip.lines) || slip.lines.length === 0 || slip.lines.length > 200) {
    return 'slip.lines must list 1 to 200 lines';
  }
  for (const line of slip.lines as unknown[]) {
    if (
      !isObject(line) ||
      unknownFields('line', line, ['sku', 'name', 'quantity', 'short']) ||
      !shortText(line.sku, 64) ||
      !shortText(line.name) ||
      !units(line.quantity) ||
      (line.short !== undefined && !units(line.short))
    ) {
      return 'each of slip.lines has a sku, a name, a whole quantity and optionally a whole short';
    }
  }
  return null;
}

const PICKUP_SLIP_FIELDS = new Set([
  'purpose',
  'factId',
  'orderId',
  'storeName',
  'at',
  'cashierId',
  'cashierName',
  'lines',
  'refund',
  'refundTo',
]);
const shortText = (v: unknown, max = 200) => typeof v === 'string' && v.length <= max;
const units = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0 && (v as number) <= 1e6;
const fen = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

/** [HB5] A pickup or return slip's fields, or what is wrong with them. */
function pickupSlipProblem(slip: unknown): string | null {
  if (typeof slip !== 'object' || slip === null || Array.isArray(slip)) {
    return '"slip" must be an object';
  }
  const s = slip as Record<string, unknown>;
  const extra = Object.keys(s).filter((k) => !PICKUP_SLIP_FIELDS.has(k));
  if (extra.length > 0) return `"slip" has unknown fields: ${extra.slice(0, 5).join(', ')}`;
  if (s.purpose !== 'pickup' && s.purpose !== 'return') {
    return 'slip.purpose must be pickup or return';
  }
  for (const name of ['factId', 'orderId', 'storeName'] as const) {
    if (!shortText(s[name]) || (s[name] as string).length === 0) {
      return `slip.${name} must be a non-empty string of at most 200 characters`;
    }
  }
  if (typeof s.at !== 'string' || Number.isNaN(Date.parse(s.at))) {
    return 'slip.at must be an ISO 8601 time';
  }
  for (const name of ['cashierId', 'cashierName'] as const) {
    if (s[name] !== undefined && !shortText(s[name], 64)) {
      return `slip.${name} must be a string of at most 64 characters`;
    }
  }
  if (!Array.isArray(s.lines) || s.lines.length === 0 || s.lines.length > 200) {
    return 'slip.lines must list 1 to 200 lines';
  }
  for (const line of s.lines as unknown[]) {
    const l = line as Record<string, unknown> | null;
    if (
      typeof l !== 'object' ||
      l === null ||
      Object.keys(l).some((k) => !['sku', 'name', 'quantity', 'left', 'refund'].includes(k)) ||
      !shortText(l.sku, 64) ||
      !shortText(l.name) ||
      !units(l.quantity) ||
      (l.left !== undefined && !units(l.left)) ||
      (l.refund !== undefined && !fen(l.refund))
    ) {
      return 'each of slip.lines has a sku, a name, a whole quantity and optionally left and refund';
    }
  }
  if (s.refund !== undefined && !fen(s.refund)) return 'slip.refund must be whole fen';
  if (s.refundTo !== undefined && s.refundTo !== 'original' && s.refundTo !== 'cash') {
    return 'slip.refundTo must be original or cash';
  }
  return null;
}

/** A consent slip's fields, or what is wrong with them. */
function consentSlipProblem(slip: unknown): string | null {
  if (typeof slip !== 'object' || slip === null || Array.isArray(slip)) {
    return '"slip" must be an object';
  }
  const { url, expiresAt, maskedName, memberId, ...rest } = slip as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) return `"slip" has unknown fields: ${extra.slice(0, 5).join(', ')}`;
  if (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url) || url.length > 2000) {
    return 'slip.url must be an http(s) URL of at most 2000 characters';
  }
  if (typeof expiresAt !== 'string' || Number.isNaN(Date.parse(expiresAt))) {
    return 'slip.expiresAt must be an ISO 8601 time';
  }
  if (typeof memberId !== 'string' || memberId.length === 0 || memberId.length > 200) {
    return 'slip.memberId must be a non-empty string';
  }
  if (maskedName !== undefined && (typeof maskedName !== 'string' || maskedName.length > 64)) {
    return 'slip.maskedName must be a string of at most 64 characters';
  }
  return null;
}

const MAX_ZONE_ID = 64;
const MAX_PERSON_ID = 100;
const idText = (v: unknown, max: number): v is string =>
  typeof v === 'string' && v.length > 0 && v.length <= max && v.trim() === v;

/** [HZ3] [HZ4] A member linking a room's sessions, or the tags of a zone. */
function zoneRequest(
  id: string,
  type: 'tryon:link-member' | 'zone:tags',
  value: Record<string, unknown>,
): ParsedRequest {
  if (type === 'zone:tags') {
    const { zone } = value;
    if (zone !== undefined && !idText(zone, MAX_ZONE_ID)) {
      return fail(
        id,
        'BAD_REQUEST',
        `"zone" must be a zone id of 1 to ${MAX_ZONE_ID} characters, or left out for the whole store`,
      );
    }
    return { ok: true, request: { id, type, ...(zone === undefined ? {} : { zone }) } };
  }
  const { room, memberId, clerkId } = value;
  if (!idText(room, MAX_ZONE_ID)) {
    return fail(
      id,
      'BAD_REQUEST',
      `"room" must be a fitting room's zone id of 1 to ${MAX_ZONE_ID} characters`,
    );
  }
  if (!idText(memberId, MAX_PERSON_ID)) {
    return fail(
      id,
      'BAD_REQUEST',
      `"memberId" must be a member id of 1 to ${MAX_PERSON_ID} characters`,
    );
  }
  if (clerkId !== undefined && !idText(clerkId, MAX_PERSON_ID)) {
    return fail(
      id,
      'BAD_REQUEST',
      `"clerkId" must be a staff id of 1 to ${MAX_PERSON_ID} characters`,
    );
  }
  return {
    ok: true,
    request: { id, type, room, memberId, ...(clerkId === undefined ? {} : { clerkId }) },
  };
}

function fail(
  id: string | null,
  code: 'BAD_REQUEST' | 'UNKNOWN_REQUEST',
  message: string,
): ParsedRequest {
  return { ok: false, reply: { type: 'reply', id, ok: false, error: { code, message } } };
}
