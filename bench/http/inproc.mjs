// bench/http/inproc.mjs: the Express rows (c, h, k, l, m) in process, CPU µs per request.
//
//   node bench/http/inproc.mjs [--only c,h] [--reps 9] [--n 5000] [--cold 4] [--builds DIR,DIR]
//
// The same apps as the servers (servers/express-apps.mjs), driven on real IncomingMessage
// and ServerResponse objects with no socket: the request's head is added as node:http's
// parser adds it, the response stays in the ServerResponse's output buffer, and every
// answer is parsed and checked as the HTTP run checks it. What it leaves out is the socket
// and the kernel, whose share of an HTTP row moves run to run on a shared VM: a difference
// of a few µs per request between (h) and (c) shows here, where req/s cannot resolve it.
// Batches of `n` requests per row, interleaved round-robin, `reps` rounds; medians.
//
// `--cold MiB`: between two requests, write that much memory, as the kernel's socket work
// does between two requests of an HTTP row: each request then starts with cold caches. The
// rows' CPU includes the writing; their differences are what a cold start costs each.
//
// `--builds before,after`: an A/B of two builds in one process. Each is a copy of `dist/`
// inside this package (`npm run build && cp -r dist .scratch/before`, change, again for
// `.scratch/after`; .scratch/ is not committed). The rows that run witline (h, l, m) run
// once per build, interleaved with the others, and the table gives min and first quartile
// beside the median: on a shared VM the same batch moves ±30 %, and only interleaved runs
// in one process separate builds.
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { problemWith } from './check.mjs';
import { SERVERS } from './servers.mjs';
import { EXPRESS_ROWS, expressApp, WITLINE_ROWS } from './servers/express-apps.mjs';
import { benchToken, PATH, requestHeaders } from './workload.mjs';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string', default: EXPRESS_ROWS.join(',') },
    reps: { type: 'string', default: '9' },
    n: { type: 'string', default: '5000' },
    cold: { type: 'string', default: '0' },
    builds: { type: 'string' },
  },
});
const rows = args.only.split(',').map((id) => SERVERS.find((s) => s.id === id && EXPRESS_ROWS.includes(id)) ?? fail(`not an Express row: ${id}`));
const reps = Number(args.reps);
const n = Number(args.n);
const cold = Buffer.alloc(Math.round(Number(args.cold) * 1024 * 1024));

function fail(why) {
  throw new Error(`inproc.mjs: ${why} (rows: ${EXPRESS_ROWS.join(', ')})`);
}

const raw = Object.entries({ host: '127.0.0.1', ...requestHeaders(benchToken()) }).flat();
const socket = new Socket(); // never connected: the response is buffered, not written

/** One GET of the benchmark request through `app`; the ServerResponse holding the answer. */
function request(app) {
  const req = new IncomingMessage(socket);
  req.method = 'GET';
  req.url = PATH;
  req.httpVersionMajor = 1;
  req.httpVersionMinor = 1;
  req.httpVersion = '1.1';
  req._addHeaderLines(raw.slice(), raw.length); // as the parser does: headers built lazily from rawHeaders
  req.complete = true;
  req.push(null);
  const res = new ServerResponse(req);
  app(req, res);
  return res;
}

/** The answer buffered in `res`, as status, lower-cased headers and body. */
function answer(res) {
  const wire = Buffer.concat(res.outputData.map(({ data, encoding }) => (typeof data === 'string' ? Buffer.from(data, encoding ?? 'latin1') : data)));
  const end = wire.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = wire.subarray(0, end).toString('latin1').split('\r\n');
  const headers = {};
  for (const line of lines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
  return { status: Number(statusLine.split(' ')[1]), headers, body: wire.subarray(end + 4).toString('utf8') };
}

/** A build's modules, from a copy of dist/ (its folder), as expressApp takes them. */
async function build(dir) {
  const base = pathToFileURL(resolve(dir)).href + '/';
  const [core, adapter, bundled] = await Promise.all(['index.js', 'adapters/express.js', 'middleware/index.js'].map((f) => import(base + f)));
  return { core, adapter, bundled };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const builds = args.builds?.split(',') ?? [];
/** What is measured: a row, of one build when it runs witline and builds are compared. */
const cells = [];
for (const row of rows) {
  if (builds.length === 0 || !WITLINE_ROWS.includes(row.id)) cells.push({ row, id: row.id, ...(await expressApp(row.id)) });
  else for (const dir of builds) cells.push({ row, id: `${row.id}@${dir}`, ...(await expressApp(row.id, await build(dir))) });
}
// The first request of a toExpress app waits for its pipeline: warm up, then check each row's answer.
for (let i = 0; i < 200; i++) for (const { app } of cells) request(app);
await tick();
for (const { row, id, app } of cells) {
  const a = answer(request(app));
  const problem = problemWith(row, a.status, a.body, a.headers);
  if (problem) fail(`(${id}) ${row.name}: ${problem}`);
}

const samples = new Map(cells.map((c) => [c.id, []]));
for (let rep = 0; rep < reps + 1; rep++) {
  // Alternate the order each round, so that no cell always follows the same one.
  for (const { id, app } of rep % 2 ? cells : [...cells].reverse()) {
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      request(app);
      if (cold.length > 0) cold.fill(i & 0xff);
    }
    await tick(); // what the batch queued (its 'finish' events) runs in its time
    const t = process.cpuUsage(t0);
    if (rep > 0) samples.get(id).push((t.user + t.system) / n); // the first round warms up
  }
}
for (const { close } of cells) await close();

const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)];
const us = new Map([...samples].map(([id, xs]) => [id, quantile(xs, 0.5)]));
const coldly = cold.length > 0 ? `, ${args.cold} MiB written between requests` : '';
console.log(`Express rows in process, CPU µs per request (median of ${reps} × ${n}, interleaved${coldly}), Node ${process.version}:\n`);
if (builds.length === 0) {
  console.log('| | server | CPU µs per request |\n| --- | --- | ---: |');
  for (const { row, id } of cells) console.log(`| ${id} | ${row.name} | ${us.get(id).toFixed(1)} |`);
} else {
  console.log('| | server | min | first quartile | median |\n| --- | --- | ---: | ---: | ---: |');
  for (const { row, id } of cells) {
    const xs = samples.get(id);
    console.log(`| ${id} | ${row.name} | ${[0, 0.25, 0.5].map((q) => quantile(xs, q).toFixed(1)).join(' | ')} |`);
  }
}
const diff = (a, b) => (us.has(a) && us.has(b) ? `${(us.get(a) - us.get(b)).toFixed(1)} µs` : undefined);
const parts = [
  ['(h) − (c): witline behind Express against Express middleware', diff('h', 'c')],
  ['(l) − (k): the adapter passing a request through', diff('l', 'k')],
  ['(m) − (l): holding the response back, and one small stage', diff('m', 'l')],
  ['(h) − (m): the three stages past that', diff('h', 'm')],
  ['(c) − (k): Express middleware doing the same', diff('c', 'k')],
].filter(([, v]) => v !== undefined);
if (parts.length) console.log('\n' + parts.map(([k, v]) => `- ${k}: ${v}`).join('\n'));
