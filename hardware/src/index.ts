/** Node side of @pos/hardware. Browser code imports './protocol' and './browser-bridge' only. */
export * from './hub/protocol';
export {
  createHub,
  labelJobId,
  toHubError,
  type Hub,
  type HubOptions,
  type LabelPrinterDevice,
  type PrinterDevice,
  type ScannerDevice,
} from './hub/hub';
export { attachHubWebSocket, type HubWebSocket, type HubWebSocketOptions } from './hub/websocket';
export { parseHubRequest, validateHubRequest, type ParsedRequest } from './hub/request-parser';
export { answerHubRequest } from './hub/answer-request';
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
export {
  DEFAULT_WEDGE_OPTIONS,
  WedgeScanDetector,
  wedgeScanEvent,
  type WedgeDecision,
  type WedgeKey,
  type WedgeOptions,
} from './scanner/wedge-detector';
export {
  HID_POS_USAGE_PAGE,
  HidScanAssembler,
  findHidPosScanners,
  parseScannedDataReport,
  symbologyName,
  type HidDeviceInfo,
  type HidReportError,
  type HidReportErrorCode,
  type HidReportResult,
  type HidScanChunk,
} from './scanner/hid-pos-report';
export {
  HidScanner,
  type HidHandle,
  type HidModule,
  type HidScanRejection,
  type HidScannerOptions,
} from './scanner/hid-scanner';
export { SerialPrinter, type SerialPrinterOptions } from './printer/serial-printer';
export {
  EscPosPrinter,
  type EscPosPrinterOptions,
  type PrinterLink,
  type PrinterStatusOptions,
} from './printer/escpos-printer';
export {
  TcpPrinter,
  UsbPrinter,
  type TcpPrinterOptions,
  type UsbPrinterOptions,
} from './printer/network-printers';
export {
  PRINTER_READY,
  decodePrinterStatus,
  describeProblem,
  encodePrinterStatus,
  isStatusByte,
  printerProblems,
  statusRequest,
  type DrawerOpenLevel,
  type PrinterFlags,
  type StatusBytes,
  type StatusRequest,
} from './printer/printer-status';
export {
  PrintQueue,
  type PrintJobState,
  type PrintJobView,
  type QueuePrinter,
} from './printer/print-queue';
export { TcpConnection, type TcpConnectionOptions } from './transports/tcp-connection';
export { DeviceFileConnection } from './transports/device-file-connection';
export {
  DEFAULT_DRAWER_KICK,
  QR_MAX_BYTES,
  code128,
  code128Symbols,
  concatBytes,
  encodeText,
  escpos,
  qrCode,
  type Align,
  type DrawerKick,
  type QrErrorCorrection,
} from './printer/escpos';
export {
  EscPosDecoder,
  decodeEscPos,
  type EscPosErrorCode,
  type EscPosErrorRecord,
  type BarcodeHri,
  type EscPosRecord,
  type LineStyle,
} from './printer/escpos-decoder';
export {
  formatSaleTime,
  layoutReceipt,
  renderReceipt,
  type PrintCode,
  type PrintItem,
  type PrintLine,
  type ReceiptLayoutOptions,
} from './printer/receipt-layout';
export { WPC1252_TABLE, wpc1252Byte, wpc1252Char } from './printer/code-page';
export {
  displayWidth,
  justifyToWidth,
  padEndToWidth,
  padStartToWidth,
  printableText,
  truncateToWidth,
  wrapToWidth,
} from './printer/text-width';
export { decodeEpc, gs1CheckDigit, type EpcInfo } from './rfid/epc';
export type { FrameError, FrameErrorCode } from './rfid/frame-errors';
export {
  R2000FrameDecoder,
  R2000_BROADCAST,
  R2000_CMD,
  R2000_ERRORS,
  R2000_HEAD,
  encodeR2000,
  parseR2000Inventory,
  r2000Checksum,
  r2000DoneData,
  r2000TagData,
  type R2000Frame,
  type R2000InventoryReply,
  type R2000Record,
  type R2000TagReport,
} from './rfid/r2000-frame';
export {
  UHF18_BROADCAST,
  UHF18_CMD,
  UHF18_STATUS,
  Uhf18FrameDecoder,
  crc16_8408,
  encodeUhf18,
  parseUhf18Inventory,
  uhf18InventoryBody,
  type Uhf18Frame,
  type Uhf18InventoryReply,
  type Uhf18Record,
} from './rfid/uhf18-frame';
export { TagReadDeduplicator } from './rfid/tag-dedup';
export {
  LLRP_MESSAGE,
  LLRP_PARAM,
  LLRP_PORT,
  LlrpFramer,
  encodeMessage as encodeLlrpMessage,
  inventoryROSpec,
  parseParams as parseLlrpParams,
  parseTagReports as parseLlrpTagReports,
  type LlrpMessage,
  type LlrpRecord,
  type LlrpTag,
} from './rfid/llrp';
export { LlrpReader, type LlrpReaderOptions } from './rfid/llrp-reader';
export {
  R2000Reader,
  Uhf18Reader,
  toTagRead,
  type RfidFrameError,
  type RfidReaderDevice,
  type RfidReaderOptions,
  type RfidStats,
} from './rfid/rfid-readers';
export { openPtyPair, type PtyPair } from './pty';
export { ScannerSimulator } from './simulators/scanner-simulator';
export { PrinterSimulator, type DrawerKickRecord } from './simulators/printer-simulator';
export { TcpPrinterSimulator } from './simulators/tcp-printer-simulator';
export { R2000Simulator, Uhf18Simulator, type SimulatedTag } from './simulators/rfid-simulators';
export { LlrpSimulator } from './simulators/llrp-simulator';
export { startSimulatedHardware, type SimulatedHardware } from './simulators/simulated-hardware';
export { HardwareError } from './errors';
export {
  CLOSE_PROTOCOL_MISMATCH,
  HUB_PROTOCOL_VERSION,
  PROTOCOL_QUERY_PARAM,
} from './hub/protocol-version';
export {
  layoutShippingLabel,
  fitLines,
  fieldRight,
  TRACKING_NO,
  type LabelDpi,
  type LabelField,
  type LabelLanguage,
  type LabelLayout,
} from './label/label-layout';
export { encodeShippingLabel, type ShippingLabelOptions } from './label/shipping-label';
export { encodeZpl, zplEscape, DEFAULT_ZPL_FONT } from './label/zpl';
export { encodeTspl, tsplEscape, TSPL_FONT } from './label/tspl';
export {
  decodeZpl,
  decodeTspl,
  type DecodedLabel,
  type LabelDecodeResult,
} from './label/label-decoder';
export {
  decodeTsplStatus,
  hostStatusFrames,
  labelPrinterProblems,
  parseHostStatus,
  type LabelPrinterFlags,
} from './label/label-status';
export {
  LabelPrinter,
  SerialLabelPrinter,
  TcpLabelPrinter,
  type LabelPrinterSettings,
  type LabelPrinterStatusOptions,
} from './label/label-printer';
export {
  LabelPrinterSimulator,
  TcpLabelPrinterSimulator,
} from './simulators/label-printer-simulator';
export * from './zones/zone-types';
export { createZoneEngine } from './zones/zone-engine';
export {
  TagFloor,
  mulberry32,
  type FloorAntenna,
  type FloorRoom,
  type FloorTag,
  type TagFloorOptions,
  type TagSourced,
} from './simulators/tag-floor';
export {
  DEMO_COUNTER_READER,
  DEMO_FLOOR,
  DEMO_FLOOR_ANTENNAS,
  DEMO_ROOMS,
  DEMO_STOCK_READER,
  DEMO_ZONES,
  DEMO_ZONE_MAP,
  DEMO_ZONE_READER,
  inRoom,
  nearWall,
  type DemoZoneId,
  type FloorPosition,
} from './zones/demo-floor';
export {
  createFittingRoomService,
  ulid,
  type FittingRoomService,
  type FittingRoomServiceOptions,
  type FittingRoomStatus,
} from './zones/fitting-room-service';
export { FactOutbox, type RefusedFact } from './zones/fact-outbox';
export { pushTryOnFacts, tryOnDoc, type PushResult, type FactPushTarget } from './zones/fact-push';
export { createImmediateZoneEngine } from './zones/test-engine';
export type {
  EslDriver,
  LabelPushItem,
  LabelStatus,
  PushAccepted,
  GatewayHealth,
} from './esl/driver';
export {
  createCloudEslDriver,
  EslGatewayError,
  type CloudEslDriverOptions,
} from './esl/cloudesl-driver';
export {
  startGatewaySimulator,
  type GatewaySimulator,
  type GatewaySimulatorOptions,
} from './esl/gateway-simulator';
export {
  createShelfLabelService,
  LabelOutbox,
  type ShelfLabelService,
  type ShelfLabelServiceOptions,
} from './esl/label-service';
export { startShelfLabelDemo, type ShelfLabelDemo, type ShelfLabelDemoOptions } from './esl/demo';
