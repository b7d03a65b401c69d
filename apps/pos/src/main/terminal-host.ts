/**
 * Serves the POS renderer to a plain browser: the built files, the terminal's
 * configuration, and the hub over WebSocket at /hub. Electron does not need
 * this (it loads the files and talks IPC); the demo and end-to-end tests do.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { attachHubWebSocket, type Hub } from '@pos/hardware';
import type { TerminalConfig } from '../shared/config';
import { contentSecurityPolicy } from './csp';
import { contentType, fileInside } from './static-files';

export type TerminalHost = { url: string; close(): Promise<void> };

export async function startTerminalHost(options: {
  config: TerminalConfig;
  hub: Hub;
  rendererDir: string;
  port?: number;
  host?: string;
}): Promise<TerminalHost> {
  const { config, hub, rendererDir } = options;
  const host = options.host ?? '127.0.0.1';
  let origin = '';

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://terminal').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/config.json') {
      response
        .writeHead(200, { 'Content-Type': contentType('config.json'), 'Cache-Control': 'no-store' })
        .end(JSON.stringify(config));
      return;
    }
    const file = fileInside(rendererDir, path);
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      response
        .writeHead(200, {
          'Content-Type': contentType(file),
          'Content-Security-Policy': contentSecurityPolicy(config.syncUrl, origin),
          'X-Content-Type-Options': 'nosniff',
        })
        .end(request.method === 'HEAD' ? undefined : body);
    } catch {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not found');
    }
  }

  const server = createServer((request, response) => {
    serve(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500).end();
    });
  });
  const hubSocket = attachHubWebSocket(server, hub, { path: '/hub' });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${host}:${port}`;
  return {
    url: `${origin}/`,
    async close() {
      await hubSocket.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
