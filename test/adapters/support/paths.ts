// The three ways into a pipeline the differential test compares, each started on
// loopback sockets with its own pipeline: witline's listen(), Express with toExpress(),
// and an undici client with toUndiciInterceptor() calling a plain node:http server.
import type { AddressInfo } from 'node:net';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { Agent, request, type Dispatcher } from 'undici';
import type { HandlerResponse, Pipeline } from '../../../src/index.js';
import { headerList } from '../../../src/core/types.js';
import { toExpress } from '../../../src/adapters/express.js';
import { rawPairs } from '../../../src/core/http.js';
import { toUndiciInterceptor } from '../../../src/adapters/undici.js';
import { differentialPipeline, sharedHandler, type CorpusRequest } from './corpus.js';
import { serve, serveExpress } from './serve.js';

export interface Seen {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Path {
  send(r: CorpusRequest): Promise<Seen>;
  pipeline: Pipeline;
}

const agent = new Agent();
export const closeAgent = () => agent.close();

async function seen(res: Dispatcher.ResponseData): Promise<Seen> {
  const headers = { ...res.headers };
  for (const h of ['date', 'connection', 'keep-alive']) delete headers[h];
  return { status: res.statusCode, headers, body: await res.body.text() };
}

function sendTo(base: string, dispatcher: Dispatcher) {
  return async (r: CorpusRequest) =>
    seen(await request(base + r.path, { dispatcher, method: r.method as Dispatcher.HttpMethod, headers: r.headers.flat(), body: r.body }));
}

/** Write a HandlerResponse on a node:http response, as witline's edge would. */
function writeOut(res: ServerResponse, out: HandlerResponse): void {
  const body = Buffer.from(out.body ?? '');
  res.writeHead(out.status, [...headerList(out.headers), ['content-length', String(body.length)]].flat());
  res.end(body);
}

export async function viaListen(): Promise<Path> {
  const p = differentialPipeline(sharedHandler);
  const server = await p.listen({ port: 0, host: '127.0.0.1' });
  return { send: sendTo(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, agent), pipeline: p };
}

export async function viaExpress(): Promise<Path> {
  const p = differentialPipeline();
  const url = await serveExpress((app) => {
    app.use(toExpress(p));
    app.use(express.raw({ type: () => true }));
    app.use((req, res) => {
      const body = Buffer.isBuffer(req.body) ? req.body : undefined;
      writeOut(res, sharedHandler({ method: req.method, uri: req.url, headers: rawPairs(req.rawHeaders), body }));
    });
  });
  return { send: sendTo(url, agent), pipeline: p };
}

export async function viaUndici(): Promise<Path> {
  const p = differentialPipeline();
  const origin = await serve((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      writeOut(res, sharedHandler({ method: req.method ?? 'GET', uri: req.url ?? '/', headers: rawPairs(req.rawHeaders), body }));
    });
  });
  return { send: sendTo(origin, agent.compose(toUndiciInterceptor(p))), pipeline: p };
}
