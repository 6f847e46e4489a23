// The watchdog never stops a guest halfway through one of the host's own calls: a guest
// that spends its time in kv writes (most of it in the host's JS) is stopped at its
// deadline, and the store's bookkeeping is whole: its byte count is exactly that of the
// entries it holds. (A termination inside MemoryStore's set, between adding an entry and
// counting its bytes, would leave them apart; the watchdog waits until the call returns.)
import { expect, it } from 'vitest';
import { MemoryStore, pipeline } from '../../src/index.js';
import { hostile } from '../support/components.js';

const TIMEOUT = 50;

it('stops a guest looping over kv writes at its deadline, with the store consistent', async () => {
  const kv = new MemoryStore({ maxEntries: 10_000_000, maxTotalBytes: 1024 * 1024 * 1024 });
  const p = pipeline([hostile({ timeoutMs: TIMEOUT, interrupt: 'watchdog' })], { kv });
  try {
    await p.ready();
    for (let round = 0; round < 20; round++) {
      const res = await p.inject({ url: '/kv', headers: { 'x-kv-count': '1000000000', 'x-kv-bytes': '1' } });
      expect(res.status).toBe(503);
      expect(res.json<{ error: string }>().error).toBe('WITLINE_STAGE_TIMEOUT');
      // The guest writes flood:0, flood:1, ... (1 byte each), so n entries hold these bytes.
      const n = kv.size;
      expect(n).toBeGreaterThan(0);
      let bytes = 0;
      for (let i = 0; i < n; i++) bytes += `flood:${i}`.length + 1;
      expect(kv.bytes).toBe(bytes);
    }
  } finally {
    await p.close();
  }
});
