#!/usr/bin/env node
// The `witline` command: serve, check and describe a config file; scaffold a middleware.
import { relative } from 'node:path';
import { Command, Option } from 'commander';
import type { Level } from 'pino';
import { buildPipeline, loadEachStage } from './build.js';
import { ConfigFileError, loadConfig } from './config.js';
import { createLog, pipelineLogger } from './log.js';
import { errorFields, serve } from './serve.js';

const DEFAULT_CONFIG = 'witline.config.json';

/** A config problem on stderr, one `file:line:column: field: message` per issue; anything else by its message. */
function fail(err: unknown): never {
  process.stderr.write(err instanceof ConfigFileError ? `${err.message}\n` : `witline: ${(err as Error)?.message ?? String(err)}\n`);
  process.exit(1);
}

const program = new Command('witline').description('Run WebAssembly HTTP middleware in front of an upstream, from a config file.').showHelpAfterError();

const config = () => new Option('-c, --config <file>', 'the config file').default(DEFAULT_CONFIG);
const port = (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`--port must be an integer from 0 to 65535, got ${v}`);
  return n;
};

program
  .command('serve')
  .description('serve the pipeline the config file describes')
  .addOption(config())
  .option('-w, --watch', 're-read the config and its components when they change', false)
  .option('-p, --port <port>', 'listen on this port instead of listen.port (0: any free port)', port)
  .option('--host <host>', 'bind this address instead of listen.host')
  .option('--upstream <url>', 'forward to this URL instead of upstream')
  .addOption(new Option('--log-level <level>', 'least level logged').choices(['debug', 'info', 'warn', 'error']).default('info'))
  .action(async (o: { config: string; watch: boolean; port?: number; host?: string; upstream?: string; logLevel: Level }) => {
    const log = createLog(o.logLevel);
    try {
      await serve({ configFile: o.config, watch: o.watch, overrides: { port: o.port, host: o.host, upstream: o.upstream }, log });
    } catch (err) {
      log.error(errorFields(err), 'cannot serve');
      fail(err);
    }
  });

program
  .command('check')
  .description('validate the config file and load every component; exit 0 if all is well, 1 otherwise')
  .addOption(config())
  .action(async (o: { config: string }) => {
    try {
      const loaded = await loadConfig(o.config);
      const logger = pipelineLogger(createLog('warn', 2));
      const { pipeline, built } = buildPipeline(loaded, logger);
      await pipeline.close();
      await loadEachStage(loaded, built, logger);
      process.stdout.write(`${loaded.file}: ok (${built.stages.length} stages: ${built.stages.map((s) => s.name).join(', ') || 'none'})\n`);
    } catch (err) {
      fail(err);
    }
  });

program
  .command('describe')
  .description("load the config's pipeline and print its plan (p.describe()) as JSON")
  .addOption(config())
  .action(async (o: { config: string }) => {
    try {
      const loaded = await loadConfig(o.config);
      const { pipeline } = buildPipeline(loaded, pipelineLogger(createLog('warn', 2)));
      try {
        await pipeline.ready();
        process.stdout.write(JSON.stringify(pipeline.describe(), null, 2) + '\n');
      } finally {
        await pipeline.close();
      }
    } catch (err) {
      fail(err);
    }
  });

program
  .command('new')
  .description('write middleware/<name>/ under the current folder: an entry file (AssemblyScript, JavaScript or C) and its test')
  .argument('<name>', 'lower-case letters, digits and dashes')
  .addOption(new Option('-l, --lang <lang>', "the guest's language").choices(['as', 'js', 'c']).default('as'))
  .action(async (name: string, o: { lang: 'as' | 'js' | 'c' }) => {
    try {
      // The scaffold lives with the builders it targets (scripts/), shipped beside dist/.
      const { newMiddleware } = (await import(new URL('../../scripts/new-middleware.mjs', import.meta.url).href)) as {
        newMiddleware(name: string, options: { lang: string; root: string }): Promise<string[]>;
      };
      const files = await newMiddleware(name, { lang: o.lang, root: process.cwd() });
      process.stdout.write(
        `wrote ${files.map((f) => relative(process.cwd(), f)).join(', ')}\nbuild it with npm run build:middleware, then run its test with npx vitest run middleware/${name}\n`,
      );
    } catch (err) {
      fail(err);
    }
  });

await program.parseAsync();
