/**
 * Who works the till and the shift they work: sign-in with staff id and PIN
 * against the replicated staff (locked for a while after repeated wrong
 * PINs), a supervisor's approval with their own PIN, the shift's cash float,
 * X report, close with a cash count (the Z report, recorded as a fact), and
 * carts put aside (挂单). Rules come from the domain; state that belongs to
 * this till only (the open shift, suspended carts) lives in the replica's
 * local documents, so it survives a restart.
 */
import {
  buildXReport,
  buildZReport,
  can,
  closeShift,
  expectedCash,
  maskName,
  maskPhone,
  newCheckout,
  phoneIndex,
  shiftTotals,
  validateDocument,
  verifyPin,
  type CheckoutCart,
  type IndexKey,
  type OpenShift,
  type Permission,
  type ShiftFact,
  type Staff,
} from '@pos/domain';
import { indexKeyOf, type Checkout } from './checkout';
import { done, info, noticeOf, refusalOf, refuse, type Outcome } from './outcome';
import type { TillPorts } from './ports';
import { printDocument } from './printing';
import type { CartMember } from './state';

/** Wrong PINs in a row before sign-in is locked, and for how long. */
export const SIGN_IN_ATTEMPTS = 3;
export const SIGN_IN_LOCK_MS = 60_000;

const SHIFT_DOC = 'open-shift';
const SUSPENDED_DOC = 'suspended-carts';

type ShiftDoc = { shift: OpenShift | null; noSaleOpens: number };
type SuspendedCart = { id: string; at: string; cart: CheckoutCart; member: CartMember | null };
type SuspendedDoc = { carts: SuspendedCart[] };

/** A member of a cart put aside by an earlier version of the till: name and phone in plaintext. */
export type LegacyCartMember =
  | { kind: 'known'; id: string; name: string; phone: string; tier: string; points: number }
  | { kind: 'phone-only'; phone: string };

/**
 * [PI1] A cart member as this version keeps it, from one an earlier version
 * stored: the name and phone masked, the phone's blind index when the till
 * holds the index key. A member known only by a phone the till cannot hash
 * (no key) is dropped: the cashier attaches them again on resume. Anything
 * else is returned as it is.
 */
export function maskedCartMember(
  member: CartMember | LegacyCartMember | null,
  indexKey: IndexKey | undefined,
): CartMember | null {
  if (!member || !('phone' in member)) return member;
  const maskedPhone = maskPhone(member.phone);
  const index = indexKey ? phoneIndex(indexKey, member.phone) : undefined;
  if (member.kind === 'phone-only') {
    return index ? { kind: 'phone-only', phoneIndex: index, maskedPhone } : null;
  }
  return {
    kind: 'known',
    id: member.id,
    maskedName: maskName(member.name),
    maskedPhone,
    tier: member.tier,
    points: member.points,
    ...(index ? { phoneIndex: index } : {}),
  };
}

export type Session = {
  signIn(staffId: string, pin: string): Promise<Outcome<Staff>>;
  signOut(): void;
  /** A staff member allowed to do `permission`, by their own PIN. */
  approve(permission: Permission, staffId: string, pin: string): Promise<Outcome<Staff>>;
  /** The signed-in staff member if they may do it themselves. */
  selfApproval(permission: Permission): Staff | null;
  openShift(float: number): Promise<Outcome>;
  /** Shows the X report and prints it. */
  xReport(): Promise<Outcome>;
  /** [AC2] Whether the shift may close now (no sale on the till), before the cash is counted. */
  mayClose(): Outcome;
  /** [AC2] Records the close and prints the Z report; refused while a cart is on the till. */
  closeShift(counted: number): Promise<Outcome<ShiftFact>>;
  /** Opens the drawer without a sale (approved), counted on the shift. */
  noSale(approver: Staff): Promise<Outcome>;
  suspend(): Promise<Outcome>;
  resume(id: string): Promise<Outcome>;
};

export async function createSession(ports: TillPorts & { checkout: Checkout }): Promise<Session> {
  const { replica, config, state, checkout } = ports;
  const now = ports.clock;
  let failures = 0;
  let lockedUntil = 0;

  const readShift = () => replica.readLocal<ShiftDoc>(SHIFT_DOC, { shift: null, noSaleOpens: 0 });
  const writeShift = async (change: (doc: ShiftDoc) => ShiftDoc) =>
    replica.writeLocal<ShiftDoc>(SHIFT_DOC, change(await readShift()));
  const readSuspended = async () =>
    (await replica.readLocal<SuspendedDoc>(SUSPENDED_DOC, { carts: [] })).carts;
  const showSuspended = (carts: SuspendedCart[]) =>
    state.set({
      suspended: carts.map((c) => ({
        id: c.id,
        at: c.at,
        lines: c.cart.lines.length,
        label: c.cart.lines.map((l) => l.name.split(' ')[0]).join(', '),
      })),
    });
  state.set({ shift: (await readShift()).shift });
  // [PI1] Carts put aside by an earlier version kept their member in plaintext: masked here, once.
  const stored = await readSuspended();
  const masked = stored.map((c) => ({
    ...c,
    member: maskedCartMember(c.member, indexKeyOf(config)),
  }));
  if (masked.some((c, i) => c.member !== stored[i]!.member)) {
    await replica.writeLocal<SuspendedDoc>(SUSPENDED_DOC, { carts: masked });
  }
  showSuspended(masked);

  async function checkPin(staffId: string, pin: string): Promise<Outcome<Staff>> {
    if (now().getTime() < lockedUntil) {
      const seconds = Math.ceil((lockedUntil - now().getTime()) / 1000);
      return refuse('SIGN_IN_LOCKED', `Too many wrong PINs: try again in ${seconds} s`, {
        params: { seconds: String(seconds) },
      });
    }
    const staff = await replica.staff(staffId.trim().toUpperCase());
    if (staff && staff.storeId === config.storeId && verifyPin(staff, pin)) {
      failures = 0;
      return done(staff);
    }
    failures += 1;
    if (failures >= SIGN_IN_ATTEMPTS) {
      failures = 0;
      lockedUntil = now().getTime() + SIGN_IN_LOCK_MS;
      const seconds = String(SIGN_IN_LOCK_MS / 1000);
      return refuse('SIGN_IN_LOCKED', `Too many wrong PINs: locked for ${seconds} s`, {
        params: { seconds },
      });
    }
    return refuse('PIN_WRONG', 'Staff id or PIN not recognised');
  }

  async function currentTotals(shift: OpenShift, noSaleOpens: number) {
    return shiftTotals({ ...(await replica.factsSince(shift.openedAt)), noSaleOpens });
  }

  function mayClose(): Outcome {
    if (state.get().cart.lines.length === 0) return done(null);
    return refuse(
      'CART_OPEN',
      'A sale is still on the till: pay, suspend (F5) or void it before closing the shift',
    );
  }

  function reportContext(): { currency: string; cashierName?: string } {
    const staff = state.get().staff;
    return { currency: config.currency, ...(staff ? { cashierName: staff.name } : {}) };
  }

  async function saveSuspended(carts: SuspendedCart[]): Promise<void> {
    await replica.writeLocal<SuspendedDoc>(SUSPENDED_DOC, { carts });
    showSuspended(carts);
  }

  return {
    async signIn(staffId, pin) {
      const result = await checkPin(staffId, pin);
      if (result.ok) state.set({ staff: result.value });
      return result;
    },
    signOut() {
      state.set({ staff: null, report: null });
    },
    async approve(permission, staffId, pin) {
      const result = await checkPin(staffId, pin);
      if (!result.ok) return result;
      return can(result.value, permission)
        ? result
        : refuse('NOT_PERMITTED', `${result.value.name} may not approve this`, {
            params: { name: result.value.name },
          });
    },
    selfApproval(permission) {
      const staff = state.get().staff;
      return staff && can(staff, permission) ? staff : null;
    },
    async openShift(float) {
      const staff = state.get().staff;
      if (!staff) return refuse('NOT_SIGNED_IN', 'Sign in first');
      const shift: OpenShift = {
        id: ports.newId(),
        storeId: config.storeId,
        deviceId: config.deviceId,
        cashierId: staff.id,
        openedAt: now().toISOString(),
        openingFloat: float,
      };
      await writeShift(() => ({ shift, noSaleOpens: 0 }));
      state.set({ shift, report: null });
      return done(null);
    },
    async xReport() {
      const { shift, noSaleOpens } = await readShift();
      if (!shift) return refuse('NO_SHIFT', 'No shift is open');
      const totals = await currentTotals(shift, noSaleOpens);
      const report = {
        shift,
        totals,
        at: now().toISOString(),
        expectedCash: expectedCash(shift.openingFloat, totals),
      };
      state.set({ report: { kind: 'x', ...report } });
      const notices = await printDocument(ports, {
        kind: 'shift-report',
        report: buildXReport(report, await replica.store(), reportContext()),
      });
      return done(null, notices);
    },
    mayClose,
    async closeShift(counted) {
      const allowed = mayClose();
      if (!allowed.ok) return allowed;
      const { shift, noSaleOpens } = await readShift();
      if (!shift) return refuse('NO_SHIFT', 'No shift is open');
      const totals = await currentTotals(shift, noSaleOpens);
      const fact = closeShift(shift, totals, counted, now().toISOString());
      const problems = validateDocument('shifts', fact);
      if (problems.length) {
        return refuse('CLOSE_INVALID', `The close cannot be recorded: ${problems[0]!.message}`);
      }
      try {
        await ports.outbox.record('shift', fact);
      } catch (error) {
        return refusalOf(error, 'The close was not recorded');
      }
      await writeShift(() => ({ shift: null, noSaleOpens: 0 }));
      state.set({ shift: null, report: { kind: 'z', fact } });
      const notices = await printDocument(ports, {
        kind: 'shift-report',
        report: buildZReport(fact, await replica.store(), reportContext()),
      });
      return done(fact, notices);
    },
    async noSale(approver) {
      if (!can(approver, 'no-sale')) {
        return refuse('NOT_PERMITTED', `${approver.name} may not open the drawer`);
      }
      await writeShift((d) => ({ ...d, noSaleOpens: d.noSaleOpens + 1 }));
      try {
        await ports.devices.openDrawer();
        return done(null, [
          info(`Drawer opened (no sale), approved by ${approver.name}`, 'NO_SALE_OPENED', {
            name: approver.name,
          }),
        ]);
      } catch (error) {
        return done(null, [noticeOf(refusalOf(error, 'Drawer did not open'))]);
      }
    },
    async suspend() {
      const s = state.get();
      if (s.cart.lines.length === 0) return refuse('CART_EMPTY', 'the cart is empty');
      const entry: SuspendedCart = {
        id: ports.newId(),
        at: now().toISOString(),
        cart: s.cart,
        member: s.member,
      };
      await saveSuspended([...(await readSuspended()), entry]);
      await checkout.replaceCart(newCheckout(config.currency), null);
      const lines = String(entry.cart.lines.length);
      return done(null, [info(`Cart put aside (${lines} lines)`, 'CART_SUSPENDED', { lines })]);
    },
    async resume(id) {
      const carts = await readSuspended();
      const entry = carts.find((c) => c.id === id);
      if (!entry) return refuse('CART_UNKNOWN', 'That cart is no longer put aside');
      const current = state.get();
      const rest = carts.filter((c) => c.id !== id);
      // A cart in progress is put aside in its place, never lost.
      const swapped =
        current.cart.lines.length > 0
          ? [
              ...rest,
              {
                id: ports.newId(),
                at: now().toISOString(),
                cart: current.cart,
                member: current.member,
              },
            ]
          : rest;
      await saveSuspended(swapped);
      await checkout.replaceCart(entry.cart, entry.member);
      return done(null, [info('Cart resumed')]);
    },
  };
}
