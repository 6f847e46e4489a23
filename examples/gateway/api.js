// The small JSON API the gateway protects: an in-memory list of items.
import { createServer } from 'node:http';

/** Start the API on a loopback port; resolves to its base URL and server. */
export async function startApi() {
  const items = [
    { id: 1, name: 'kettle', price_cents: 2599 },
    { id: 2, name: 'teapot', price_cents: 3450 },
  ];
  const send = (res, status, value) => {
    const body = JSON.stringify(value);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://api').pathname;
      if (req.method === 'GET' && path === '/items') return send(res, 200, { items, subject: req.headers['x-auth-subject'] ?? null });
      const one = /^\/items\/(\d+)$/.exec(path);
      if (req.method === 'GET' && one) {
        const item = items.find((i) => i.id === Number(one[1]));
        return item ? send(res, 200, item) : send(res, 404, { error: 'no such item' });
      }
      if (req.method === 'POST' && path === '/items') {
        let input;
        try {
          input = JSON.parse(raw);
        } catch {
          return send(res, 400, { error: 'body must be JSON' });
        }
        const item = { id: items.length + 1, name: String(input.name ?? 'unnamed'), price_cents: Number(input.price_cents ?? 0) };
        items.push(item);
        return send(res, 201, item);
      }
      send(res, 404, { error: 'not found' });
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}
