/** Log levels of the `log` capability, in WIT order. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Where witline and its guests log. Compatible with `console` and with pino-style loggers
 * (`logger.child` is not needed).
 *
 * @example
 * ```ts
 * pipeline(stages, { logger: console })
 * ```
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/**
 * The default logger: one line per entry on stderr, at `warn` and above unless
 * `WITLINE_LOG` names a lower level.
 */
export function defaultLogger(level: LogLevel = (process.env.WITLINE_LOG as LogLevel) || 'warn'): Logger {
  const min = rank[level] ?? rank.warn;
  const write = (l: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    if (rank[l] < min) return;
    const extra = fields ? ' ' + JSON.stringify(fields) : '';
    process.stderr.write(`witline ${l}: ${message}${extra}\n`);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
