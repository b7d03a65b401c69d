/**
 * Serves the POS renderer to a plain browser: the built files, the terminal's
 * configuration, the hub over WebSocket at /hub and, for a sync server whose
 * certificate the browser cannot know, the sync server at /sync/ ([TL6]).
 * Electron does not need this (it loads the files and talks IPC); the demo
 * and end-to-end tests do.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { readFile, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { attachHubWebSocket, type Hub } from '@pos/hardware';
import type { TerminalConfig } from '../shared/config';
import { contentSecurityPolicy } from './csp';
import { contentType, fileInside } from './static-files';

export type TerminalHost = { url: string; close(): Promise<void> };

/** [TL6] Forward `/sync/…` to this HTTPS sync server, trusting exactly the certificate `ca`. */
export type SyncProxy = { target: string; ca: string | Buffer };

const SYNC_PREFIX = '/sync';
/** Headers about one connection, not the request: never forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

function forwardable(headers: IncomingMessage['headers']): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !HOP_BY_HOP.has(name)) kept[name] = value;
  }
  return kept;
}

/** [TL6] One request to the sync server, streamed both ways; an unreachable server cuts the connection. */
function proxySync(request: IncomingMessage, response: ServerResponse, proxy: SyncProxy): void {
  const target = new URL(proxy.target);
  const path = (request.url ?? '/').slice(SYNC_PREFIX.length) || '/';
  const upstream = httpsRequest(
    new URL(path, target),
    {
      method: request.method ?? 'GET',
      headers: { ...forwardable(request.headers), host: target.host },
      ca: proxy.ca,
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
      answer.pipe(response);
      answer.on('error', () => response.destroy());
    },
  );
  upstream.on('error', () => response.destroy());
  response.on('close', () => upstream.destroy());
  request.pipe(upstream);
}

export async function startTerminalHost(options: {
  config: TerminalConfig;
  hub: Hub;
  rendererDir: string;
  port?: number;
  host?: string;
  /** [TL6] Serve the sync server at /sync/ (the configuration then points there). */
  syncProxy?: SyncProxy;
}): Promise<TerminalHost> {
  const { config, hub, rendererDir } = options;
  const host = options.host ?? '127.0.0.1';
  let origin = '';
  /** What the browser is told: with a proxy, the sync server is this host's /sync. */
  const servedConfig = (): TerminalConfig => {
    if (!options.syncProxy) return config;
    const { syncCertFingerprint: _pinnedHere, ...rest } = config;
    return { ...rest, syncUrl: `${origin}${SYNC_PREFIX}` };
  };

  async function serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://terminal').pathname;
    if (options.syncProxy && (path === SYNC_PREFIX || path.startsWith(`${SYNC_PREFIX}/`))) {
      proxySync(request, response, options.syncProxy);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (path === '/config.json') {
      response
        .writeHead(200, { 'Content-Type': contentType('config.json'), 'Cache-Control': 'no-store' })
        .end(JSON.stringify(servedConfig()));
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
          'Content-Security-Policy': contentSecurityPolicy(servedConfig().syncUrl, origin),
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
