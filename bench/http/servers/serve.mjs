// What every benchmark server shares: its port from argv (0: any free port), the
// 127.0.0.1 interface, the ready line the harness waits for, and a clean exit on SIGTERM.
export const HOST = '127.0.0.1';
export const PORT = Number(process.argv[2] ?? 0);

/** Print the line the harness parses: `ready <port>`. */
export function ready(port) {
  process.stdout.write(`ready ${port}\n`);
}

/** Exit on SIGTERM/SIGINT after `close` (best effort: the harness kills a server that hangs). */
export function onStop(close) {
  const stop = () => {
    Promise.resolve()
      .then(close)
      .finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** Listen a node:http-style server on PORT and print the ready line. */
export function listen(server) {
  server.listen(PORT, HOST, () => ready(server.address().port));
  onStop(() => new Promise((resolve) => server.close(resolve)));
}
