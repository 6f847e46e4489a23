// Real sockets on 127.0.0.1, port 0, for the adapter tests: an Express app, and a plain
// node:http server; each closed after the file's tests.
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import express, { type Express } from 'express';

const open: Server[] = [];
afterAll(async () => {
  await Promise.all(
    open.splice(0).map(
      (s) =>
        new Promise<void>((resolve) => {
          s.closeAllConnections();
          s.close(() => resolve());
        }),
    ),
  );
});

export const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** Listen on a loopback port; resolves to the base URL. */
export async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  open.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An Express app without the `x-powered-by` header, set up by `build`, served on a loopback port. */
export async function serveExpress(build: (app: Express) => void): Promise<string> {
  const app = express();
  app.disable('x-powered-by');
  build(app);
  return serve(app);
}
