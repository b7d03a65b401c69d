/**
 * Prints the till's documents besides the sale receipt (X and Z reports,
 * refund receipts) through the hub's print queue, in the screen's language,
 * and says when one waits for the printer or did not print.
 */
import type { PrintableDocument } from '@pos/hardware/protocol';
import { noticeOf, refusalOf, type Notice } from './outcome';
import type { TillPorts } from './ports';

export async function printDocument(
  ports: Pick<TillPorts, 'devices' | 'config' | 'language'>,
  document: PrintableDocument,
): Promise<Notice[]> {
  const what = document.kind === 'return-receipt' ? 'Refund receipt' : 'Report';
  try {
    const result = await ports.devices.printDocument(document, ports.config.receiptColumns, {
      language: ports.language(),
    });
    if (result.printed) return [];
    return [
      {
        tone: 'error',
        text: `${what} waiting for the printer: ${result.message}`,
        code: 'PRINT_QUEUED',
        context: `${what} waiting for the printer`,
      },
    ];
  } catch (error) {
    return [noticeOf(refusalOf(error, `${what} not printed`))];
  }
}
