/**
 * Rules a pushed fact must pass beyond its schema, and the checks that decide
 * whether an accepted fact can be applied to stock and points. Pure, so the
 * sync server and a model of it (tests, fuzzing) decide alike. See SPEC.md
 * [D2], [D4], [FT1], [SK4], [RT7]-[RT9].
 */
import type { ReturnFact } from './returns';
import type { SaleFact } from './sale-fact';

/** [D4] What follows `${deviceId}-` in a fact id: a ULID, or any 1-64 letters and digits. */
const FACT_ID_SUFFIX = /^[0-9A-Za-z]{1,64}$/;

/**
 * [D2] [D4] Whether `id` is a fact id minted by `deviceId`: exactly
 * `${deviceId}-` followed by letters and digits only (the ULID the till
 * mints). The suffix has no `-`, so the id of device `S001-POS1-B`
 * (`S001-POS1-B-01J…`) is never one of `S001-POS1`'s, nor the reverse.
 */
export function isOwnFactId(deviceId: string, id: unknown): boolean {
  if (typeof id !== 'string' || !id.startsWith(`${deviceId}-`)) return false;
  return FACT_ID_SUFFIX.test(id.slice(deviceId.length + 1));
}

/**
 * [FT1] A fact time is an ISO-8601 UTC instant as `Date.toISOString` writes
 * it (`2026-11-22T03:04:05.000Z`, milliseconds optional) and a real calendar
 * time: `NaN`, local times and dates alone are refused.
 */
export function isIsoInstant(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/.exec(value);
  if (!match) return false;
  const [y, mo, d, h, mi, s] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    y >= 1970 &&
    date.getUTCFullYear() === y &&
    date.getUTCMonth() === mo - 1 &&
    date.getUTCDate() === d &&
    date.getUTCHours() === h &&
    date.getUTCMinutes() === mi &&
    date.getUTCSeconds() === s
  );
}

/** [SK4] A well-formed SKU: 1-64 letters, digits, `-`, `_` or `.`, starting with a letter or digit. */
const SKU = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isWellFormedSku(value: unknown): boolean {
  return typeof value === 'string' && SKU.test(value);
}

/** [FT1] Problems of the named time fields of a fact that are present. */
export function timeProblems(fact: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields
    .filter((field) => Object.hasOwn(fact, field) && !isIsoInstant(fact[field]))
    .map((field) => `${field} must be an ISO-8601 UTC time such as 2026-11-22T03:04:05.000Z`);
}

/**
 * [RT7] Rules a pushed return passes beyond its schema: its id is minted by
 * its device [D4], its time is an instant [FT1], its SKUs are well formed
 * [SK4], no refund is negative and the refund is the sum of its lines'.
 */
export function returnProblems(ret: ReturnFact): string[] {
  const out: string[] = [];
  if (!isOwnFactId(ret.deviceId, ret.id)) {
    out.push('id must be the device id, "-", then letters and digits (a ULID)');
  }
  out.push(...timeProblems(ret, ['returnedAt']));
  ret.lines.forEach((line, i) => {
    if (!isWellFormedSku(line.sku)) out.push(`lines[${i}].sku is not a well-formed SKU`);
    if (line.refund < 0) out.push(`lines[${i}].refund cannot be negative`);
  });
  if (ret.refund < 0) out.push('refund cannot be negative');
  if (ret.lines.reduce((sum, line) => sum + line.refund, 0) !== ret.refund) {
    out.push('refund must equal the sum of the lines’ refunds');
  }
  if (ret.tenders.some((t) => t.amount < 0)) out.push('a refund tender cannot be negative');
  if (ret.tenders.reduce((sum, t) => sum + t.amount, 0) !== ret.refund) {
    out.push('the refund tenders must sum to the refund');
  }
  return out;
}

/** [RT8] What the returns applied so far took back from one sale. */
export type ReturnedSoFar = {
  /** Units returned per sale line id. */
  lines: Readonly<Record<string, number>>;
  /** Money refunded. */
  refund: number;
  /** Points earned on the sale taken back, and redeemed points given back. */
  reversedEarn: number;
  restoredRedeem: number;
};

export const NOTHING_RETURNED: ReturnedSoFar = {
  lines: {},
  refund: 0,
  reversedEarn: 0,
  restoredRedeem: 0,
};

/**
 * [RT8] Why a return cannot be applied to its sale, or an empty list: every
 * line names a line of the sale with its SKU, the units returned of a line
 * over all returns never exceed those sold, and the refunds never exceed
 * what was due, nor the points reversed and restored those the sale earned
 * and redeemed. A return that fails is kept (the money went back) but moves
 * no stock and no points.
 */
export function returnAgainstSaleProblems(
  sale: SaleFact,
  before: ReturnedSoFar,
  ret: ReturnFact,
): string[] {
  const out: string[] = [];
  if (ret.saleId !== sale.id) out.push(`the return names sale ${ret.saleId}, not ${sale.id}`);
  const wanted = new Map<string, number>();
  for (const line of ret.lines) {
    wanted.set(line.lineId, (wanted.get(line.lineId) ?? 0) + line.quantity);
  }
  for (const [lineId, quantity] of wanted) {
    const sold = sale.lines.find((l) => l.lineId === lineId);
    if (!sold) {
      out.push(`sale ${sale.id} has no line ${lineId}`);
      continue;
    }
    if (ret.lines.some((l) => l.lineId === lineId && l.sku !== sold.sku)) {
      out.push(`line ${lineId} sold ${sold.sku}, not another SKU`);
    }
    const earlier = Object.hasOwn(before.lines, lineId) ? before.lines[lineId]! : 0;
    if (earlier + quantity > sold.quantity) {
      out.push(
        `line ${lineId}: ${sold.quantity} sold, ${earlier} already returned, cannot return ${quantity} more`,
      );
    }
  }
  if (before.refund + ret.refund > sale.due) {
    out.push(
      `refunds would total ${before.refund + ret.refund}, more than the ${sale.due} the sale was due`,
    );
  }
  if (before.reversedEarn + ret.points.reversedEarn > sale.points.earned) {
    out.push(`points reversed would exceed the ${sale.points.earned} the sale earned`);
  }
  if (before.restoredRedeem + ret.points.restoredRedeem > sale.points.redeemed) {
    out.push(`points restored would exceed the ${sale.points.redeemed} the sale redeemed`);
  }
  return out;
}

/** [RT8] What has been returned of a sale once `ret` is applied too. */
export function addReturned(before: ReturnedSoFar, ret: ReturnFact): ReturnedSoFar {
  const lines: Record<string, number> = Object.assign(Object.create(null), before.lines);
  for (const line of ret.lines) {
    lines[line.lineId] =
      (Object.hasOwn(lines, line.lineId) ? lines[line.lineId]! : 0) + line.quantity;
  }
  return {
    lines: { ...lines },
    refund: before.refund + ret.refund,
    reversedEarn: before.reversedEarn + ret.points.reversedEarn,
    restoredRedeem: before.restoredRedeem + ret.points.restoredRedeem,
  };
}
