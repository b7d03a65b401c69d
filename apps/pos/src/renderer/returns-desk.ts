/**
 * Returns at the till: the receipt code finds the sale in the replica, the
 * cashier chooses lines and quantities, the domain plans the refund to the
 * original tender types, and the return fact is recorded before the money
 * goes back. A return needs the refund permission (a supervisor's approval).
 */
import { ulid } from 'ulid';
import {
  buildReturnReceipt,
  parseReceiptCode,
  planReturn,
  validateDocument,
  type CodeKey,
  type ReturnFact,
  type SaleFact,
} from '@pos/domain';
import type { Outbox, ReplicaDatabase } from '@pos/replica';
import type { TerminalConfig } from '../shared/config';
import type { TerminalApi } from '../shared/terminal-api';
import { printDocument, receiptStore } from './printing';
import { usePosStore } from './store';

export type ReturnDraft = { sale: SaleFact; previous: ReturnFact[] };

export type ReturnsDesk = {
  /** A scanned or typed receipt code: opens the return of that sale; false if not a receipt code. */
  open(code: string): Promise<boolean>;
  /** Records the return of these quantities; null when refused (with the reason shown). */
  complete(
    draft: ReturnDraft,
    request: { lineId: string; quantity: number }[],
  ): Promise<ReturnFact | null>;
};

export function createReturnsDesk(deps: {
  db: ReplicaDatabase;
  outbox: Pick<Outbox, 'record'>;
  api: TerminalApi;
  config: TerminalConfig;
  codeKeys: CodeKey[];
  now?: () => Date;
  newId?: () => string;
}): ReturnsDesk {
  const { db, config } = deps;
  const now = deps.now ?? (() => new Date());
  const newId = deps.newId ?? (() => `${config.deviceId}-${ulid()}`);
  const state = usePosStore;

  return {
    async open(code) {
      const parsed = parseReceiptCode(code, deps.codeKeys);
      if (!parsed.ok) {
        if (parsed.code === 'CODE_FORMAT' || parsed.code === 'CODE_KIND') return false;
        state.getState().showMessage('error', parsed.message, { code: parsed.code });
        return true;
      }
      const doc = await db.saleFacts.findOne(parsed.saleId).exec();
      if (!doc) {
        state
          .getState()
          .showMessage('error', `Sale ${parsed.saleId} was not made at this till: return it there`);
        return true;
      }
      const sale = doc.toJSON() as SaleFact;
      const previous = (await db.returns.find({ selector: { saleId: sale.id } }).exec()).map(
        (d) => d.toJSON() as ReturnFact,
      );
      state.setState({ returning: { sale, previous } });
      return true;
    },
    async complete(draft, request) {
      const planned = planReturn(draft.sale, draft.previous, request, {
        id: newId(),
        storeId: config.storeId,
        deviceId: config.deviceId,
        now: now().toISOString(),
      });
      if (!planned.ok) {
        state.getState().showMessage('error', planned.message, { code: planned.code });
        return null;
      }
      const ret = planned.ret;
      const problems = validateDocument('returns', ret);
      if (problems.length) {
        state
          .getState()
          .showMessage('error', `This return cannot be recorded: ${problems[0]!.message}`);
        return null;
      }
      try {
        await deps.outbox.record('returns', ret);
      } catch (error) {
        state.getState().showError('The return was not recorded', error);
        return null;
      }
      state.setState({ returning: null, lastReturn: ret, lastSale: null });
      if (ret.tenders.some((t) => t.kind === 'cash')) {
        await deps.api.openDrawer().catch((error: unknown) => {
          state.getState().showError('Drawer did not open', error);
        });
      }
      const staff = state.getState().staff;
      const receipt = buildReturnReceipt(ret, draft.sale, await receiptStore(db, config.storeId), {
        ...(staff ? { cashierId: staff.id, cashierName: staff.name } : {}),
      });
      await printDocument(deps.api, config, { kind: 'return-receipt', receipt });
      return ret;
    },
  };
}
