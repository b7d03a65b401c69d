/**
 * Prints the till's documents besides the sale receipt (X and Z reports,
 * refund receipts) through the terminal's printer, in the screen's language,
 * and says on screen when one waits for the printer or did not print.
 */
import type { ReceiptStore } from '@pos/domain';
import type { PrintableDocument } from '@pos/hardware/protocol';
import type { ReplicaDatabase } from '@pos/replica';
import type { TerminalConfig } from '../shared/config';
import type { TerminalApi } from '../shared/terminal-api';
import { usePosStore } from './store';

/** The store's name and address as the replica holds them; its id when it holds none. */
export async function receiptStore(db: ReplicaDatabase, storeId: string): Promise<ReceiptStore> {
  const doc = await db.stores.findOne(storeId).exec();
  if (!doc) return { name: storeId, address: '' };
  const store = doc.toJSON();
  return { name: store.name, address: store.address };
}

export async function printDocument(
  api: TerminalApi,
  config: TerminalConfig,
  document: PrintableDocument,
): Promise<void> {
  const state = usePosStore.getState();
  const what = document.kind === 'return-receipt' ? 'Refund receipt' : 'Report';
  try {
    const result = await api.printDocument(document, config.receiptColumns, {
      language: state.language,
    });
    if (!result.printed) {
      usePosStore
        .getState()
        .showMessage('error', `${what} waiting for the printer: ${result.message}`, {
          code: 'PRINT_QUEUED',
          context: `${what} waiting for the printer`,
        });
    }
  } catch (error) {
    usePosStore.getState().showError(`${what} not printed`, error);
  }
}
