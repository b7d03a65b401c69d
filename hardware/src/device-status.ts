/** What a driver says about its device. Pure types: the browser renderer sees them too. */
export type DeviceKind =
  | 'scanner'
  | 'printer'
  | 'drawer'
  | 'rfid'
  | 'label-printer'
  /** [FR5] The store's fitting-room service (zone engine, sessions, facts waiting to upload). */
  | 'fitting-rooms';

/** `offline`: not open (yet, or any more). `error`: open failed, the port reported an error, or the device cannot work (e.g. printer out of paper). */
export type DeviceState = 'ready' | 'offline' | 'error';

/** Catalogue: README.md, "Device problems". */
export type DeviceProblemCode =
  | 'PAPER_OUT'
  | 'PAPER_LOW'
  | 'COVER_OPEN'
  | 'CUTTER_ERROR'
  | 'PRINTER_ERROR'
  | 'PRINTER_OFFLINE'
  | 'DRAWER_OPEN'
  | 'NO_STATUS';

/** Something wrong with a device, in words for the cashier: "Printer out of paper" and what to do. */
export type DeviceProblem = {
  code: DeviceProblemCode;
  message: string;
  action: string;
  /** True when the device cannot print until it is fixed. */
  blocksPrinting: boolean;
};

/** `message` says what is wrong in plain words; `problems` lists each problem with what to do. */
export type DeviceHealth = { state: DeviceState; message?: string; problems?: DeviceProblem[] };
