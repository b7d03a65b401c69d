/**
 * Returns at the till: the receipt code finds the sale, the cashier chooses
 * lines and quantities, the domain plans the refund to the original tender
 * types, and the return fact is recorded before the money goes back. A return
 * needs the refund permission (a supervisor's approval).
 */
import {
  buildReturnReceipt,
  parseReceiptCode,
  planReturn,
  validateDocument,
  type CodeKey,
  type ReturnFact,
  type SaleFact,
} from '@pos/domain';
import {
  done,
  noticeOf,
  refusalOf,
  refuse,
  type Notice,
  type Outcome,
  type Refusal,
} from './outcome';
import type { TillPorts } from './ports';
import { printDocument } from './printing';
import type { ReturnDraft } from './state';

export type ReturnsDesk = {
  /**
   * A scanned or typed receipt code: opens the return of that sale (the
   * draft), a refusal, or null when the text is not a receipt code at all.
   */
  open(code: string): Promise<Outcome<ReturnDraft> | null>;
  /**
   * Records the return of these quantities, refunds and prints. [RC6] A line
   * sold by RFID names the EPCs returned (read at the counter or chosen);
   * returning all its units left names them all.
   */
  complete(
    draft: ReturnDraft,
    request: { lineId: string; quantity: number; epcs?: string[] }[],
  ): Promise<Outcome<ReturnFact>>;
  cancel(): void;
};

export function createReturnsDesk(ports: TillPorts & { codeKeys: CodeKey[] }): ReturnsDesk {
  const { replica, config, state } = ports;

  /**
   * [AC7] A sale this till does not hold is asked of the sync server; when
   * that fails the refusal says what happened: offline, not found, or
   * another store's sale.
   */
  async function saleOnline(id: string): Promise<SaleFact | Refusal> {
    const params = { sale: id };
    const online = await replica.saleOnline(id);
    switch (online.status) {
      case 'found':
        return online.sale;
      case 'other-store':
        return refuse('SALE_OTHER_STORE', `Sale ${id} was made at another store: return it there`, {
          params,
        });
      case 'not-found':
        return refuse('SALE_NOT_FOUND', `No sale ${id} is known, here or on the server`, {
          params,
        });
      case 'offline':
        return refuse(
          'SALE_LOOKUP_OFFLINE',
          `Sale ${id} is not on this till and the sync server cannot be reached (${online.reason}): try again when online`,
          { params },
        );
    }
  }

  /** The member's (masked) name as this till holds it, for the refund receipt; none if unknown. */
  async function nameOfMember(memberId: string | undefined): Promise<string | undefined> {
    if (!memberId) return undefined;
    const found = await replica.member({ by: 'id', memberId }).catch(() => null);
    return found?.status === 'found' ? found.member.maskedName : undefined;
  }

  return {
    async open(code) {
      const parsed = parseReceiptCode(code, ports.codeKeys);
      if (!parsed.ok) {
        if (parsed.code === 'CODE_FORMAT' || parsed.code === 'CODE_KIND') return null;
        return refuse(parsed.code, parsed.message);
      }
      const sale = (await replica.sale(parsed.saleId)) ?? (await saleOnline(parsed.saleId));
      if (!('id' in sale)) return sale;
      const draft = { sale, previous: await replica.returnsOf(sale.id) };
      state.set({ returning: draft });
      return done(draft);
    },
    cancel() {
      state.set({ returning: null });
    },
    async complete(draft, request) {
      const planned = planReturn(draft.sale, draft.previous, request, {
        id: ports.newId(),
        storeId: config.storeId,
        deviceId: config.deviceId,
        now: ports.clock().toISOString(),
      });
      if (!planned.ok) return refuse(planned.code, planned.message);
      const ret = planned.ret;
      const problems = validateDocument('returns', ret);
      if (problems.length) {
        return refuse('RETURN_INVALID', `This return cannot be recorded: ${problems[0]!.message}`);
      }
      try {
        await ports.outbox.record('return', ret);
      } catch (error) {
        return refusalOf(error, 'The return was not recorded');
      }
      state.set({ returning: null, lastReturn: ret, lastSale: null });
      const notices: Notice[] = [];
      if (ret.tenders.some((t) => t.kind === 'cash')) {
        await ports.devices.openDrawer().catch((error: unknown) => {
          notices.push(noticeOf(refusalOf(error, 'Drawer did not open')));
        });
      }
      const staff = state.get().staff;
      const memberName = await nameOfMember(draft.sale.memberId);
      const receipt = buildReturnReceipt(ret, draft.sale, await replica.store(), {
        ...(staff ? { cashierId: staff.id, cashierName: staff.name } : {}),
        ...(memberName ? { memberName } : {}),
      });
      notices.push(...(await printDocument(ports, { kind: 'return-receipt', receipt })));
      return done(ret, notices);
    },
  };
}
