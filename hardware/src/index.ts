/** Node side of @pos/hardware. Browser code imports './protocol' and './browser-bridge' only. */
export * from './hub/protocol';
export {
  createHub,
  toHubError,
  type Hub,
  type HubOptions,
  type PrinterDevice,
  type ScannerDevice,
} from './hub/hub';
export { attachHubWebSocket, type HubWebSocket, type HubWebSocketOptions } from './hub/websocket';
export { parseHubRequest, RECEIPT_SCHEMA, type ParsedRequest } from './hub/request-parser';
export { SerialScanner, type SerialScannerOptions } from './scanner/serial-scanner';
export {
  AIM_SYMBOLOGIES,
  MAX_SCAN_LINE_LENGTH,
  ScanLineSplitter,
  parseScanLine,
  type ScanParseResult,
  type ScanRejection,
  type ScanRejectionCode,
  type SplitResult,
} from './scanner/scan-line';
export { SerialPrinter, type SerialPrinterOptions } from './printer/serial-printer';
export {
  DEFAULT_DRAWER_KICK,
  concatBytes,
  encodeText,
  escpos,
  type Align,
  type DrawerKick,
} from './printer/escpos';
export {
  EscPosDecoder,
  decodeEscPos,
  type EscPosErrorCode,
  type EscPosErrorRecord,
  type EscPosRecord,
  type LineStyle,
} from './printer/escpos-decoder';
export {
  formatSaleTime,
  layoutReceipt,
  renderReceipt,
  type PrintLine,
  type ReceiptLayoutOptions,
} from './printer/receipt-layout';
export {
  displayWidth,
  justifyToWidth,
  padEndToWidth,
  padStartToWidth,
  printableText,
  truncateToWidth,
  wrapToWidth,
} from './printer/text-width';
export { openPtyPair, type PtyPair } from './pty';
export { ScannerSimulator } from './simulators/scanner-simulator';
export { PrinterSimulator, type DrawerKickRecord } from './simulators/printer-simulator';
export { startSimulatedHardware, type SimulatedHardware } from './simulators/simulated-hardware';
export { HardwareError } from './errors';
