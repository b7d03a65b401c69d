/** What a driver says about its device. Pure types: the browser renderer sees them too. */
export type DeviceKind = 'scanner' | 'printer' | 'drawer';

/** `offline`: not open (yet, or any more). `error`: open failed or the port reported an error. */
export type DeviceState = 'ready' | 'offline' | 'error';

export type DeviceHealth = { state: DeviceState; message?: string };
