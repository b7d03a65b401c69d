/** Finds the terminal API: Electron's preload object, or the hub over WebSocket in a browser. */
import { createBrowserBridge } from '@pos/hardware/browser-bridge';
import { isTerminalConfig, type TerminalConfig } from '../shared/config';
import type { TerminalApi } from '../shared/terminal-api';

export function getTerminalApi(): TerminalApi {
  if (window.pos) return window.pos;
  const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const bridge = createBrowserBridge(`${protocol}//${location.host}/hub`);
  return {
    ...bridge,
    async getConfig(): Promise<TerminalConfig> {
      const response = await fetch('/config.json');
      const config: unknown = await response.json();
      if (!isTerminalConfig(config)) throw new Error('This terminal has no valid configuration');
      return config;
    },
  };
}
