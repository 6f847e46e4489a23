/**
 * Which functions of a core module must charge fuel at entry (`sandbox.ts` `addFuel`), read
 * from binaryen's text of the module. A function with a loop charges at entry (which also
 * fills the local counter its loop headers tick: a loop then charges the global every
 * `CALL_COST` iterations). Measured on the bundled auth + rateLimit + transform: starting
 * that counter at zero instead, so that the first iteration charges, costs more than the
 * entry charge (the charge in a loop is a call), and a free first batch of iterations would
 * multiply per unit of fuel with every nesting of loop functions. What is left is work made of
 * calls alone, and that is unbounded in two ways only:
 *
 * - **Recursion**: a cycle in the call graph. Direct `call`s and `return_call`s are edges;
 *   everything this module cannot see is one node, OUTSIDE: calls to imports and every
 *   `call_indirect` / `call_ref` go to it, and it goes to every function the outside can
 *   enter (exports, the start function, every function in an element segment or named by
 *   `ref.func`: the one group an indirect call may land in, and what a host import may call
 *   back). Those entries all charge, which breaks every cycle through OUTSIDE (a host call
 *   that re-enters an export, an indirectly called function that calls indirectly); they are
 *   entered a few times per request, not in hot code. The cycles left are among direct
 *   calls: every function in a strongly connected component of more than one function, or
 *   that calls itself, charges at entry too, so each turn of every cycle passes a charge.
 *   (Charging all of OUTSIDE's component instead would charge nearly every function: most
 *   reach an import, if only AssemblyScript's `abort`, and an import may call back an export.)
 * - **Fan-out without a cycle**: forty functions each calling the next twice run 2^40 calls
 *   with no loop and no recursion. So the work a function can do before its next charge, its
 *   own instructions plus that of the uncharged functions it calls, is summed callees first
 *   (the acyclic part of the graph, in the order Tarjan's algorithm completes components);
 *   past {@link BUDGET} the function charges at entry too and counts as one instruction to
 *   its callers, as do imports (the host bounds its own work) and indirect calls (whatever
 *   they land on charges).
 *
 * So between two charges a guest runs at most about BUDGET instructions per function frame,
 * which is bounded by the code, not by its input. A module whose text this does not read as
 * expected gets `undefined`: the caller then charges every function that loops or calls.
 */

/** Instructions (binaryen prints one per line) an uncharged call tree may run. */
export const BUDGET = 1000;

const FUNC = /^ \(func (\$[^\s()]+)/;
const IMPORT = /^ \(import "[^"]*" "[^"]*" \(func (\$[^\s()]+)/;
const EXPORT = /^ \(export "[^"]*" \(func (\$[^\s()]+)\)\)/;
const START = /^ \(start (\$[^\s()]+)\)/;
const DIRECT = /^\s*\((?:return_)?call (\$[^\s()]+)/;
const INDIRECT = /^\s*\((?:return_)?call_(?:indirect|ref)\b/;
const LOOP = /^\s*\(loop\b/;
const REF_FUNC = /\(ref\.func (\$[^\s()]+)\)/g;
const NAME = /\$[^\s()]+/g;

interface Fn {
  name: string;
  size: number;
  loops: boolean;
  calls: string[];
  outside: number;
}

/** The names of the functions that must charge at entry, or `undefined` if the text is not read. */
export function chargedAtEntry(lines: string[]): Set<string> | undefined {
  const imports = new Set<string>();
  const reachable = new Set<string>(); // from OUTSIDE
  const fns: Fn[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let m: RegExpExecArray | null;
    if ((m = IMPORT.exec(line))) imports.add(m[1]);
    else if ((m = EXPORT.exec(line)) || (m = START.exec(line))) reachable.add(m[1]);
    else if (/^ \(elem\b/.test(line)) for (const n of line.match(NAME) ?? []) reachable.add(n);
    else if ((m = FUNC.exec(line))) {
      const fn: Fn = { name: m[1], size: 0, loops: false, calls: [], outside: 0 };
      while (++i < lines.length && lines[i] !== ' )') {
        fn.size++;
        const call = DIRECT.exec(lines[i]);
        if (call) fn.calls.push(call[1]);
        else if (INDIRECT.test(lines[i])) fn.outside++;
        else if (LOOP.test(lines[i])) fn.loops = true;
      }
      if (i === lines.length) return undefined;
      fns.push(fn);
    }
    for (const r of line.matchAll(REF_FUNC)) reachable.add(r[1]);
  }
  const index = new Map(fns.map((f, i) => [f.name, i]));
  const charged = new Set([...reachable].filter((n) => index.has(n)));
  const edges: number[][] = fns.map(() => []);
  for (const [i, f] of fns.entries()) {
    for (const c of f.calls) {
      if (index.has(c)) edges[i].push(index.get(c)!);
      else if (!imports.has(c)) return undefined; // a name this did not read: not the expected shape
    }
  }
  const cost = new Array<number>(fns.length).fill(0);
  for (const scc of components(edges)) {
    const cyclic = scc.length > 1 || edges[scc[0]].includes(scc[0]);
    for (const v of scc) {
      const f = fns[v];
      if (cyclic || f.loops) charged.add(f.name);
      if (charged.has(f.name)) {
        cost[v] = 1;
        continue;
      }
      // Callees are in components completed earlier: their cost is known.
      let c = f.size + f.outside;
      for (const callee of f.calls) c += index.has(callee) ? cost[index.get(callee)!] : 1;
      if (c > BUDGET) charged.add(f.name);
      cost[v] = c > BUDGET ? 1 : c;
    }
  }
  return charged;
}

/**
 * Tarjan's strongly connected components, iterative (a module may have thousands of
 * functions): each component is listed after every component it reaches.
 */
function components(edges: number[][]): number[][] {
  const n = edges.length;
  const order = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const out: number[][] = [];
  let next = 0;
  for (let root = 0; root < n; root++) {
    if (order[root] >= 0) continue;
    const work: Array<[number, number]> = [[root, 0]];
    order[root] = low[root] = next++;
    stack.push(root);
    onStack[root] = true;
    while (work.length > 0) {
      const top = work[work.length - 1];
      const [v, k] = top;
      if (k < edges[v].length) {
        top[1]++;
        const w = edges[v][k];
        if (order[w] < 0) {
          order[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = true;
          work.push([w, 0]);
        } else if (onStack[w]) low[v] = Math.min(low[v], order[w]);
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const u = work[work.length - 1][0];
        low[u] = Math.min(low[u], low[v]);
      }
      if (low[v] === order[v]) {
        const scc: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = false;
          scc.push(w);
        } while (w !== v);
        out.push(scc);
      }
    }
  }
  return out;
}
