import { pino, type Logger as Pino, type Level } from 'pino';
import type { Logger } from '../index.js';

/** The CLI's structured log: JSON lines on stdout (or `dest`: 2 where stdout carries a result), one per entry. */
export function createLog(level: Level = 'info', dest: 1 | 2 = 1): Pino {
  // Synchronous writes: a line is out when the call returns, so nothing is lost on exit.
  return pino({ level, base: { pid: process.pid } }, pino.destination({ dest, sync: true }));
}

/** The pipeline's {@link Logger} (message, then fields) on top of pino (fields, then message). */
export function pipelineLogger(log: Pino): Logger {
  const at =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>): void => {
      if (fields) log[level](fields, message);
      else log[level](message);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
