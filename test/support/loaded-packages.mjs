// A fresh process imports the specifiers given as arguments and prints which npm
// packages got loaded, by name. CommonJS packages (express, undici, piscina) are loaded
// through require's cache even when imported from ESM, so its keys name them all.
import { createRequire } from 'node:module';

for (const spec of process.argv.slice(2)) await import(spec);
const names = new Set();
for (const file of Object.keys(createRequire(import.meta.url).cache)) {
  const parts = file.split(/[\\/]node_modules[\\/]/);
  if (parts.length < 2) continue;
  const rest = parts[parts.length - 1].split(/[\\/]/);
  names.add(rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]);
}
process.stdout.write(JSON.stringify([...names].sort()));
