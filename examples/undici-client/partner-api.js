// A stand-in for a third-party API the client calls: it wants an API key, and counts
// the calls that reach it.
import { createServer } from 'node:http';

export const PARTNER_KEY = 'partner-key-123';

/** Start the API on a loopback port; resolves to its URL, its call counter and server. */
export async function startPartnerApi() {
  const stats = { calls: 0 };
  const server = createServer((req, res) => {
    stats.calls++;
    const send = (status, value) => {
      const body = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), server: 'partner/1.0' });
      res.end(body);
    };
    if (req.headers['x-api-key'] !== PARTNER_KEY) return send(403, { error: 'bad api key' });
    const path = new URL(req.url ?? '/', 'http://partner').pathname;
    if (path === '/v1/rates') return send(200, { base: 'EUR', rates: { USD: 1.08, GBP: 0.85 } });
    send(404, { error: 'not found' });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, stats, url: `http://127.0.0.1:${server.address().port}` };
}
