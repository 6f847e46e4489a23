import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export const quiet = { debug() {}, info() {}, warn() {}, error() {} };

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

/** A raw TCP connection: what a hostile client would write, byte for byte. */
export function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

/** Everything the server writes until it closes the connection. */
export function untilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (c: string) => (text += c));
    socket.on('error', () => {});
    socket.once('close', () => resolve(text));
  });
}

/** Write `request` on a fresh connection and read the answer (the request should ask for `connection: close`). */
export async function raw(port: number, request: string): Promise<string> {
  const s = await open(port);
  const answer = untilClosed(s);
  s.write(request);
  return answer;
}

/** The status of a raw HTTP/1.1 answer. */
export function statusOf(answer: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
}

/** The body of a raw answer (after the head). */
export function bodyOf(answer: string): string {
  return answer.slice(answer.indexOf('\r\n\r\n') + 4);
}

/** An upstream that records the last request it received (its target and headers) and answers 200. */
export async function recordingUpstream(): Promise<{ server: Server; origin: string; last: () => { url: string; headers: IncomingHttpHeaders } }> {
  let seen = { url: '', headers: {} as IncomingHttpHeaders };
  const server = createServer((req, res) => {
    seen = { url: req.url ?? '', headers: req.headers };
    req.resume();
    req.on('end', () => res.end('up'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, origin: `http://127.0.0.1:${portOf(server)}`, last: () => seen };
}
