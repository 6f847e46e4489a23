// Host capability `log` (grant: 'log'). Types: ./log.d.ts.
import iface from 'witline:middleware/log@0.1.0';

export function log(level, message) {
  iface.log(level, message);
}
