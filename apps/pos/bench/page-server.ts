/** Bundles the replica benchmark page and serves it on loopback, so IndexedDB has a real origin. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * `port` 0 picks a free one; a fixed port keeps the origin, and so an earlier
 * run's IndexedDB. `entry` is the page's script, relative to this folder.
 */
export async function serveReplicaPage(
  port = 0,
  entry = './replica-page.ts',
): Promise<{ url: string; close(): void }> {
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    minify: process.env.BENCH_MINIFY !== 'false',
    write: false,
    logLevel: 'warning',
  });
  const script = bundle.outputFiles[0]!.contents;
  const html = '<!doctype html><meta charset="utf-8"><script src="/bench.js"></script>';
  const server = createServer((request, response) => {
    if (request.url === '/bench.js')
      response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    else response.writeHead(200, { 'Content-Type': 'text/html' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => server.close(),
  };
}
