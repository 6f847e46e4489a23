// Host capability `clock` (grant: 'clock'). Types: ./clock.d.ts.
import iface from 'witline:middleware/clock@0.1.0';

export function nowMs() {
  return Number(iface.nowMs());
}
