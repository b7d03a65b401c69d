/**
 * Who works the till and the shift they work: sign-in with staff id and PIN
 * against the replicated staff (locked for a while after repeated wrong
 * PINs), a supervisor's approval with their own PIN, the shift's cash float,
 * X report, close with a cash count (the Z report, recorded as a fact), and
 * carts put aside (挂单). Rules come from the domain; state that belongs to
 * this till only (the open shift, suspended carts) lives in the replica's
 * local documents, so it survives a restart.
 */
import { ulid } from 'ulid';
import {
  buildXReport,
  buildZReport,
  can,
  closeShift,
  expectedCash,
  newCheckout,
  shiftTotals,
  validateDocument,
  verifyPin,
  type CheckoutCart,
  type OpenShift,
  type Permission,
  type ReturnFact,
  type SaleFact,
  type ShiftFact,
  type Staff,
} from '@pos/domain';
import type { Outbox, ReplicaDatabase } from '@pos/replica';
import type { TerminalConfig } from '../shared/config';
import type { TerminalApi } from '../shared/terminal-api';
import type { Checkout } from './checkout';
import { printDocument, receiptStore } from './printing';
import { usePosStore, type CartMember } from './store';

/** Wrong PINs in a row before sign-in is locked, and for how long. */
export const SIGN_IN_ATTEMPTS = 3;
export const SIGN_IN_LOCK_MS = 60_000;

const SHIFT_DOC = 'open-shift';
const SUSPENDED_DOC = 'suspended-carts';

type ShiftDoc = { shift: OpenShift | null; noSaleOpens: number };
type SuspendedCart = { id: string; at: string; cart: CheckoutCart; member: CartMember | null };
type SuspendedDoc = { carts: SuspendedCart[] };

export type Session = {
  /** Resolves to null when signed in, else what went wrong, in words. */
  signIn(staffId: string, pin: string): Promise<string | null>;
  signOut(): void;
  /** A staff member allowed to do `permission`, by their own PIN; else what went wrong. */
  approve(permission: Permission, staffId: string, pin: string): Promise<Staff | string>;
  /** The signed-in staff member if they may do it themselves. */
  selfApproval(permission: Permission): Staff | null;
  openShift(float: number): Promise<void>;
  /** Shows the X report and prints it. */
  xReport(): Promise<void>;
  /** Records the close and prints the Z report; null when it could not be recorded. */
  closeShift(counted: number): Promise<ShiftFact | null>;
  /** Opens the drawer without a sale (approved), counted on the shift. */
  noSale(approver: Staff): Promise<void>;
  suspend(): Promise<void>;
  resume(id: string): Promise<void>;
};

export async function createSession(deps: {
  db: ReplicaDatabase;
  outbox: Pick<Outbox, 'record'>;
  api: TerminalApi;
  config: TerminalConfig;
  checkout: Checkout;
  now?: () => Date;
  newId?: () => string;
}): Promise<Session> {
  const { db, config, api, checkout } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? (() => `${config.deviceId}-${ulid()}`);
  const state = usePosStore;
  let failures = 0;
  let lockedUntil = 0;

  if (!(await db.getLocal<ShiftDoc>(SHIFT_DOC))) {
    await db.insertLocal<ShiftDoc>(SHIFT_DOC, { shift: null, noSaleOpens: 0 });
  }
  if (!(await db.getLocal<SuspendedDoc>(SUSPENDED_DOC))) {
    await db.insertLocal<SuspendedDoc>(SUSPENDED_DOC, { carts: [] });
  }
  // Always the stored version: a local document object goes stale after a write.
  const readShift = async () => (await db.getLocal<ShiftDoc>(SHIFT_DOC))!.toJSON().data as ShiftDoc;
  const writeShift = async (change: (doc: ShiftDoc) => ShiftDoc) =>
    (await db.getLocal<ShiftDoc>(SHIFT_DOC))!.incrementalModify(change);
  const readSuspended = async () =>
    ((await db.getLocal<SuspendedDoc>(SUSPENDED_DOC))!.toJSON().data as SuspendedDoc).carts;
  const showSuspended = (carts: SuspendedCart[]) =>
    state.setState({
      suspended: carts.map((c) => ({
        id: c.id,
        at: c.at,
        lines: c.cart.lines.length,
        label: c.cart.lines.map((l) => l.name.split(' ')[0]).join(', '),
      })),
    });
  state.setState({ shift: (await readShift()).shift });
  showSuspended(await readSuspended());

  async function findStaff(staffId: string): Promise<Staff | null> {
    const doc = await db.staff.findOne(staffId.trim().toUpperCase()).exec();
    return doc ? (doc.toJSON() as Staff) : null;
  }

  async function checkPin(staffId: string, pin: string): Promise<Staff | string> {
    if (now().getTime() < lockedUntil) {
      const seconds = Math.ceil((lockedUntil - now().getTime()) / 1000);
      return `Too many wrong PINs: try again in ${seconds} s`;
    }
    const staff = await findStaff(staffId);
    if (staff && staff.storeId === config.storeId && verifyPin(staff, pin)) {
      failures = 0;
      return staff;
    }
    failures += 1;
    if (failures >= SIGN_IN_ATTEMPTS) {
      failures = 0;
      lockedUntil = now().getTime() + SIGN_IN_LOCK_MS;
      return `Too many wrong PINs: locked for ${SIGN_IN_LOCK_MS / 1000} s`;
    }
    return 'Staff id or PIN not recognised';
  }

  async function shiftFacts(shift: OpenShift) {
    const sales = (
      await db.saleFacts
        .find({ selector: { deviceId: config.deviceId, soldAt: { $gte: shift.openedAt } } })
        .exec()
    ).map((d) => d.toJSON() as SaleFact);
    const returns = (
      await db.returns
        .find({ selector: { deviceId: config.deviceId, returnedAt: { $gte: shift.openedAt } } })
        .exec()
    ).map((d) => d.toJSON() as ReturnFact);
    return { sales, returns };
  }

  function reportContext(): { currency: string; cashierName?: string } {
    const staff = state.getState().staff;
    return { currency: config.currency, ...(staff ? { cashierName: staff.name } : {}) };
  }

  async function saveSuspended(carts: SuspendedCart[]): Promise<void> {
    await (await db.getLocal<SuspendedDoc>(SUSPENDED_DOC))!.incrementalModify(() => ({ carts }));
    showSuspended(carts);
  }

  return {
    async signIn(staffId, pin) {
      const result = await checkPin(staffId, pin);
      if (typeof result === 'string') return result;
      state.setState({ staff: result, message: null });
      return null;
    },
    signOut() {
      state.setState({ staff: null, paying: false, report: null });
    },
    async approve(permission, staffId, pin) {
      const result = await checkPin(staffId, pin);
      if (typeof result === 'string') return result;
      return can(result, permission) ? result : `${result.name} may not approve this`;
    },
    selfApproval(permission) {
      const staff = state.getState().staff;
      return staff && can(staff, permission) ? staff : null;
    },
    async openShift(float) {
      const staff = state.getState().staff;
      if (!staff) return;
      const shift: OpenShift = {
        id: newId(),
        storeId: config.storeId,
        deviceId: config.deviceId,
        cashierId: staff.id,
        openedAt: now().toISOString(),
        openingFloat: float,
      };
      await writeShift(() => ({ shift, noSaleOpens: 0 }));
      state.setState({ shift, report: null });
    },
    async xReport() {
      const { shift, noSaleOpens } = await readShift();
      if (!shift) return;
      const totals = shiftTotals({ ...(await shiftFacts(shift)), noSaleOpens });
      const report = {
        shift,
        totals,
        at: now().toISOString(),
        expectedCash: expectedCash(shift.openingFloat, totals),
      };
      state.setState({ report: { kind: 'x', ...report } });
      const store = await receiptStore(db, config.storeId);
      await printDocument(api, config, {
        kind: 'shift-report',
        report: buildXReport(report, store, reportContext()),
      });
    },
    async closeShift(counted) {
      const { shift, noSaleOpens } = await readShift();
      if (!shift) return null;
      const totals = shiftTotals({ ...(await shiftFacts(shift)), noSaleOpens });
      const fact = closeShift(shift, totals, counted, now().toISOString());
      const problems = validateDocument('shifts', fact);
      if (problems.length) {
        state
          .getState()
          .showMessage('error', `The close cannot be recorded: ${problems[0]!.message}`);
        return null;
      }
      try {
        await deps.outbox.record('shifts', fact);
      } catch (error) {
        state.getState().showError('The close was not recorded', error);
        return null;
      }
      await writeShift(() => ({ shift: null, noSaleOpens: 0 }));
      state.setState({ shift: null, report: { kind: 'z', fact } });
      const store = await receiptStore(db, config.storeId);
      await printDocument(api, config, {
        kind: 'shift-report',
        report: buildZReport(fact, store, reportContext()),
      });
      return fact;
    },
    async noSale(approver) {
      if (!can(approver, 'no-sale')) return;
      await writeShift((d: ShiftDoc) => ({ ...d, noSaleOpens: d.noSaleOpens + 1 }));
      try {
        await api.openDrawer();
        state
          .getState()
          .showMessage('info', `Drawer opened (no sale), approved by ${approver.name}`);
      } catch (error) {
        state.getState().showError('Drawer did not open', error);
      }
    },
    async suspend() {
      const s = state.getState();
      if (s.cart.lines.length === 0) return;
      const entry: SuspendedCart = {
        id: ulid(),
        at: now().toISOString(),
        cart: s.cart,
        member: s.member,
      };
      await saveSuspended([...(await readSuspended()), entry]);
      await checkout.replaceCart(newCheckout(config.currency), null);
      state.getState().showMessage('info', `Cart put aside (${entry.cart.lines.length} lines)`);
    },
    async resume(id) {
      const carts = await readSuspended();
      const entry = carts.find((c) => c.id === id);
      if (!entry) return;
      const current = state.getState();
      const rest = carts.filter((c) => c.id !== id);
      // A cart in progress is put aside in its place, never lost.
      const swapped =
        current.cart.lines.length > 0
          ? [
              ...rest,
              { id: ulid(), at: now().toISOString(), cart: current.cart, member: current.member },
            ]
          : rest;
      await saveSuspended(swapped);
      await checkout.replaceCart(entry.cart, entry.member);
      state.getState().showMessage('info', 'Cart resumed');
    },
  };
}
