import type { PosBridge } from '@pos/hardware/protocol';
import type { TerminalConfig } from './config';

/**
 * All the renderer sees of the machine it runs on: the devices (through the
 * hub) and its configuration. The Electron preload and the browser build each
 * implement it, so the UI does not know where it runs.
 */
export type TerminalApi = PosBridge & {
  getConfig(): Promise<TerminalConfig>;
};

declare global {
  interface Window {
    /** Present in Electron (exposed by the preload); absent in a plain browser. */
    pos?: TerminalApi;
  }
}
