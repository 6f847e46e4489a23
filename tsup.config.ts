import { defineConfig } from 'tsup';

// One entry per public subpath, so that a user of one adapter never loads another's dependencies.
export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'middleware/index': 'src/middleware/index.ts',
    // Adapters: `witline/express` and `witline/undici`, each loaded only by its users.
    'adapters/express': 'src/adapters/express.ts',
    'adapters/undici': 'src/adapters/undici.ts',
    // `witline/redis`: the only entry that loads the `redis` client (an optional peer dependency).
    'redis/index': 'src/redis/index.ts',
    // The entry of pooled stages' worker threads: a file of its own, as piscina loads it by path.
    'pool/worker': 'src/pool/worker.ts',
    // The `witline` command (package.json `bin`); its hashbang line is kept from the source. Its dependencies load only here.
    'cli/main': 'src/cli/main.ts',
  },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  splitting: true,
  treeshake: true,
});
