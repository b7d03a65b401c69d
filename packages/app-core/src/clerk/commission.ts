/**
 * The clerk's own figures and a supervisor's credit edit: the day and month
 * live from the server, or the last answer marked stale ([CL10]); a credit
 * edit approved by a supervisor's PIN on the tablet, with a reason, sent
 * online only ([CL11], [CM8]).
 */
import {
  creditProblems,
  sameCredits,
  verifyPin,
  type ClerkCommissionAnswer,
  type CreditEdit,
  type CreditedLineView,
  type LineCredit,
  type Staff,
} from '@pos/domain';
import { done, refuse, type Outcome } from '../outcome';
import { SIGN_IN_ATTEMPTS, SIGN_IN_LOCK_MS } from '../session';
import { liveOrLast, OFFLINE, outcomeOf } from './answers';
import type { ClerkCommissionView, ClerkPorts } from './types';

/** [CL2] Where the last commission answer of a clerk is kept. */
export const commissionKey = (staffId: string): string => `commission:${staffId}`;

/** [CL11] Who may approve a credit edit: an active supervisor or manager. */
export function mayApproveCredit(staff: Staff): boolean {
  return (
    staff.status === 'active' && staff.roles.some((r) => r === 'supervisor' || r === 'manager')
  );
}

/**
 * [CL11] [FM9] The till's approval rule on the tablet: an active supervisor
 * or manager of this store by their own PIN, locked for a while after
 * `SIGN_IN_ATTEMPTS` wrong tries. Each approver keeps its own count.
 */
export function supervisorApprover(ports: Pick<ClerkPorts, 'replica' | 'config' | 'clock'>) {
  let failures = 0;
  let lockedUntil = 0;

  return async function approver(supervisorId: string, pin: string): Promise<Outcome<Staff>> {
    const now = ports.clock().getTime();
    if (now < lockedUntil) {
      const seconds = String(Math.ceil((lockedUntil - now) / 1000));
      return refuse('SIGN_IN_LOCKED', `Too many wrong PINs: try again in ${seconds} s`, {
        params: { seconds },
      });
    }
    const staff = await ports.replica.staff(supervisorId.trim().toUpperCase());
    if (!staff || staff.storeId !== ports.config.storeId || !verifyPin(staff, pin)) {
      failures += 1;
      if (failures >= SIGN_IN_ATTEMPTS) {
        failures = 0;
        lockedUntil = now + SIGN_IN_LOCK_MS;
        const seconds = String(SIGN_IN_LOCK_MS / 1000);
        return refuse('SIGN_IN_LOCKED', `Too many wrong PINs: locked for ${seconds} s`, {
          params: { seconds },
        });
      }
      return refuse('PIN_WRONG', 'Staff id or PIN not recognised');
    }
    failures = 0;
    if (!mayApproveCredit(staff)) {
      return refuse('NOT_PERMITTED', `${staff.name} may not approve this`, {
        params: { name: staff.name },
      });
    }
    return done(staff);
  };
}

export function createCommission(ports: ClerkPorts) {
  const approver = supervisorApprover(ports);

  /** [CL10] [CM9] The clerk's day and month: live, or the last answer marked stale. */
  async function commission(staffId: string): Promise<ClerkCommissionView> {
    const got = await liveOrLast<ClerkCommissionAnswer>(
      ports.local,
      commissionKey(staffId),
      ports.online(),
      () => ports.server.commission(staffId),
    );
    if (got.state === 'none') return got;
    return { state: got.state, answer: got.value, ...(got.reason ? { reason: got.reason } : {}) };
  }

  /** [CL11] [CM8] A supervisor's edit of a credited line's credit. */
  async function editCredit(
    line: CreditedLineView,
    after: LineCredit[],
    reason: string,
    approval: { supervisorId: string; pin: string },
  ) {
    const problems = creditProblems(after);
    if (problems.length) return refuse('CREDIT_INVALID', problems.join('; '));
    if (typeof reason !== 'string' || reason.trim() === '') {
      return refuse('CREDIT_NO_REASON', 'say why the credit changes');
    }
    if (sameCredits(line.credits, after)) {
      return refuse('CREDIT_UNCHANGED', 'the new credit is the one the line has');
    }
    const approved = await approver(approval.supervisorId, approval.pin);
    if (!approved.ok) return approved;
    if (!ports.online()) {
      return refuse(OFFLINE, 'A credit edit needs the network: try again when online');
    }
    const edit: CreditEdit = {
      id: ports.newId().toUpperCase(),
      source: line.source,
      lineId: line.lineId,
      before: line.credits,
      after: after.map((c) => ({ staffId: c.staffId, share: c.share })),
      approvedBy: approved.value.id,
      requestedBy: ports.state.get().staff?.id ?? approved.value.id,
      reason: reason.trim(),
      at: ports.clock().toISOString(),
    };
    return outcomeOf(await ports.server.editCredit(edit), 'Credit edit');
  }

  return { commission, editCredit };
}
