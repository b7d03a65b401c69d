/**
 * [CL12] The store's hub, reached over its authenticated WebSocket on the
 * store LAN (`wss://…/hub?token=…`, hardware [HB3] [BB5]): the receipt
 * printer for pickup and order slips, the RFID reader's tag reads and the
 * hub's scanners. The bridge reconnects by itself ([BB1]); the tablet shows
 * whether it is connected.
 */
import { createBrowserBridge, type BrowserBridge } from '@pos/hardware/browser-bridge';
import type { DeviceStatus } from '@pos/hardware/protocol';
import type { TabletHub } from '../tablet';

/** The hub as the tablet uses it, over `bridge` (made by `connectHub`, or given by a test). */
export function tabletHubOver(bridge: BrowserBridge): TabletHub {
  const connectionListeners = new Set<(connected: boolean) => void>();
  let connected = bridge.connected;
  // The bridge reports its devices on every connect and all offline when it drops ([BB4]).
  const follow = (_devices: DeviceStatus[]) => {
    if (bridge.connected === connected) return;
    connected = bridge.connected;
    for (const listener of [...connectionListeners]) listener(connected);
  };
  bridge.onDeviceStatus(follow);
  return {
    connected: () => bridge.connected,
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    onTagRead: (listener) => bridge.onTagRead(listener),
    onScan: (listener) => bridge.onScan((scan) => listener(scan.code)),
    bridge: {
      printReceipt: (...args) => bridge.printReceipt(...args),
      printDocument: (...args) => bridge.printDocument(...args),
      onDeviceStatus: (callback) => bridge.onDeviceStatus(callback),
    },
  };
}

/** Connects to the hub at `url` with the tablet's hub token. */
export function connectHub(hub: { url: string; token: string }): {
  hub: TabletHub;
  bridge: BrowserBridge;
} {
  const bridge = createBrowserBridge({ url: hub.url, token: hub.token });
  return { hub: tabletHubOver(bridge), bridge };
}
