/**
 * A `fetch` for POSTing to this server's own HTTPS address, trusting only its
 * own certificate (the demo's is self-signed): how the simulated payment
 * provider reaches the webhook of a server that speaks HTTPS ([SHP7]).
 */
import { request } from 'node:https';

export function fetchTrusting(cert: string | Buffer): typeof fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(String(input));
      const headers = (init?.headers ?? {}) as Record<string, string>;
      const req = request(
        url,
        { method: init?.method ?? 'GET', headers, ca: cert, servername: 'localhost' },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500 })),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(typeof init?.body === 'string' ? init.body : undefined);
    });
}
