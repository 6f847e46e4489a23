import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The built CLI, as the package's `bin` names it (built by `npm test` before vitest runs). */
export const CLI = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
export const ECHO_WASM = fileURLToPath(new URL('../../build/middleware/echo.wasm', import.meta.url));
export const SECRET = 'cli-test-secret-cli-test-secret!';

export type LogEntry = Record<string, unknown> & { msg?: string; level?: number };

/** A CLI process and the JSON lines it logged so far. */
export class CliProcess {
  readonly entries: LogEntry[] = [];
  stderr = '';
  readonly exited: Promise<number | null>;
  #waiters: Array<() => void> = [];

  constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        this.entries.push(JSON.parse(line) as LogEntry);
      } catch {
        this.entries.push({ msg: line });
      }
      for (const w of this.#waiters.splice(0)) w();
    });
    child.stderr!.on('data', (c: Buffer) => (this.stderr += c));
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    void this.exited.then(() => {
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /** The first entry at index `from` or later that matches; rejects if the process exits first. */
  async waitFor(match: (e: LogEntry) => boolean, from = 0): Promise<LogEntry> {
    let exited = false;
    void this.exited.then(() => (exited = true));
    for (;;) {
      const found = this.entries.slice(from).find(match);
      if (found) return found;
      if (exited || this.child.exitCode !== null) throw new Error(`the CLI exited (${this.child.exitCode}) before that line; stderr: ${this.stderr}`);
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
  }

  /** Resolves to the entry with `msg`, counting from `from`. */
  waitForMsg(msg: string, from = 0): Promise<LogEntry> {
    return this.waitFor((e) => e.msg === msg, from);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    await this.exited;
  }
}

/** Start `witline <args>` in a child process. */
export function runCli(args: string[]): CliProcess {
  return new CliProcess(spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Run a command to its end: exit code, stdout, stderr. */
export async function runToEnd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  return { code, stdout, stderr };
}

/** A temporary folder for config files. */
export const tempDir = () => mkdtempSync(join(tmpdir(), 'witline-cli-'));

/** Write a file whole at once (a rename), as editors do, so a watcher never sees half of it. Objects are written as JSON. */
export function writeConfig(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, typeof value === 'string' || value instanceof Uint8Array ? value : JSON.stringify(value, null, 2));
  renameSync(tmp, file);
}

/** A JSON upstream on a loopback port that answers every request with 200 and its path. */
export async function startUpstream(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const a = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${a.port}` };
}
