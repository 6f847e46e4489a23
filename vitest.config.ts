import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'middleware/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Every test file loads real components; a shared transpile cache keeps that cheap.
    env: { WITLINE_CACHE_DIR: 'node_modules/.cache/witline-test' },
  },
});
