// (a) node:http, no middleware: the handler alone. The ceiling every other row is under.
import { createServer } from 'node:http';
import { handlerBody, PATH, SUBJECT } from '../workload.mjs';
import { listen } from './serve.mjs';

listen(
  createServer((req, res) => {
    if (req.url !== PATH) {
      res.writeHead(404).end();
      return;
    }
    // No auth runs, so the subject the handler reports is fixed.
    const body = handlerBody(SUBJECT);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }),
);
