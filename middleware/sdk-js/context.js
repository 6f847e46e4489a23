// Host capability `context` (grant: 'context'). Types: ./context.d.ts.
import iface from 'witline:middleware/context@0.1.0';

export function remoteAddress() {
  return iface.remoteAddress();
}
