import { IncomingMessage } from 'node:http';

/**
 * node:http's own slots for an IncomingMessage's header fields: `rawHeaders` is the list,
 * and `headers` / `headersDistinct` are built from it on first read (by Node's rules for
 * repeated fields) into `kHeaders` / `kHeadersDistinct`, over the first `kHeadersCount`
 * entries. Known by their symbols' descriptions on a probe message, and used only once a
 * probe shows they behave so; undefined otherwise (another Node lays them out otherwise).
 */
interface Slots {
  count: symbol;
  headers: symbol;
  distinct: symbol;
}

type Slotted = Record<symbol, unknown> & IncomingMessage;

const SLOTS = findSlots();

function findSlots(): Slots | undefined {
  try {
    const m = new IncomingMessage(undefined as never) as Slotted;
    void m.headersDistinct; // its slot is made on first read
    const by = new Map(Object.getOwnPropertySymbols(m).map((s) => [s.description, s]));
    const [count, headers, distinct] = ['kHeadersCount', 'kHeaders', 'kHeadersDistinct'].map((d) => by.get(d));
    if (!count || !headers || !distinct) return undefined;
    const slots = { count, headers, distinct };
    // The probe: fields replaced as `setRawFields` replaces them read back by Node's rules.
    setRawFields(m, ['Cookie', 'a=1', 'X-Two', '1', 'cookie', 'b=2', 'x-two', '2'], slots);
    const ok = m.headers.cookie === 'a=1; b=2' && m.headers['x-two'] === '1, 2' && m.headersDistinct['x-two']?.join() === '1,2';
    return ok ? slots : undefined;
  } catch {
    return undefined;
  }
}

function setRawFields(req: Slotted, raw: string[], slots: Slots): void {
  req.rawHeaders = raw;
  req[slots.count] = raw.length;
  req[slots.headers] = null;
  // Only where it was read already: a slot never read is not there, and adding one to
  // Express's dictionary-mode request costs more than the whole change (bench/http/inproc.mjs, row h).
  if (req[slots.distinct]) req[slots.distinct] = null;
}

/**
 * Give `req` the header fields `raw` (flat, as `rawHeaders` is) and let node:http make
 * `headers` and `headersDistinct` of them when they are read, as for a request it parsed:
 * nothing is built that no handler reads, and repeated fields follow Node's own rules.
 * False where this Node's message is not laid out as expected (nothing is changed): the
 * caller sets the three itself.
 */
export function replaceFields(req: IncomingMessage, raw: string[]): boolean {
  if (!SLOTS) return false;
  setRawFields(req as Slotted, raw, SLOTS);
  return true;
}
