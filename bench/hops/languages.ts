// A row per guest language and toolchain: a chain of LANG_STAGES stages of that language's
// pass-through-plus-header guest (test/conformance/), per hop and fused, with the
// binding and instantiation describe() reports. A guest the runtime cannot load shows
// why (the load error names the missing feature).
import { pipeline, stage } from '../../src/index.js';
import { bundledComponent } from '../../src/middleware/bundled.js';
import { ComponentLoadError } from '../../src/core/errors.js';
import { conformanceGuest } from '../../test/conformance/build.js';
import { REPS, answer, ctx, fmt, median, nsPerRequest, quick, quiet, reference } from './common.js';

const LANG_STAGES = 4;
const LANGUAGES: Array<{ lang: string; toolchain: string; component: () => Promise<string | Uint8Array> }> = [
  { lang: 'AssemblyScript', toolchain: 'middleware/echo (project SDK)', component: async () => bundledComponent('echo') },
  { lang: 'C', toolchain: 'middleware/conformance-c (witline.h, @yowasp/clang)', component: async () => bundledComponent('conformance-c') },
  { lang: 'C', toolchain: 'wasi-libc reactor (@yowasp/clang)', component: () => conformanceGuest('c-wasi-libc') },
  { lang: 'JavaScript', toolchain: 'middleware/conformance-js (componentize-qjs, sync)', component: async () => bundledComponent('conformance-js') },
  { lang: 'JavaScript', toolchain: 'componentize-qjs default (component-model async)', component: () => conformanceGuest('js-async') },
  { lang: 'WAT', toolchain: 'hand-written (jco wasm-tools)', component: () => conformanceGuest('wat') },
  { lang: 'WAT', toolchain: 'hand-written, UTF-16 strings', component: () => conformanceGuest('wat-utf16') },
];

export async function languages() {
  const rows: string[] = [];
  for (const l of LANGUAGES) {
    const component = await l.component();
    const cells: string[] = [];
    let how = '';
    for (const fusion of ['off', 'auto'] as const) {
      const stages = Array.from({ length: LANG_STAGES }, (_, i) => stage({ name: `s${i}`, component, capabilities: ['log', 'clock', 'kv', 'context'] }));
      const p = pipeline(stages, { handler: () => answer, logger: quiet, fusion });
      try {
        await p.ready();
        const check = await p.handle(reference(), ctx);
        if (check.status !== 200 || !check.headers.some(([k]) => k === 'x-echo')) throw new Error(`${l.toolchain}: wrong answer`);
        const samples: number[] = [];
        for (let rep = 0; rep < REPS; rep++) samples.push(await nsPerRequest(() => p.handle(reference(), ctx), quick ? 200 : 2000));
        cells.push(fmt(median(samples)));
        const d = p.describe();
        how = `${d.stages[0].binding}, ${d.stages[0].instantiation}${fusion === 'auto' ? `, ${d.segments.map((x) => x.mode).join('+')}` : ''}`;
      } catch (err) {
        cells.push('—');
        how = `not loaded: ${err instanceof ComponentLoadError && err.feature ? `needs ${err.feature}` : (err as Error).message.slice(0, 80)}`;
      } finally {
        await p.close();
      }
    }
    rows.push(`| ${l.lang} | ${l.toolchain} | ${cells.join(' | ')} | ${how} |`);
  }
  return [
    `Guest languages: a chain of ${LANG_STAGES} pass-through-plus-header stages, µs per request (median of ${REPS}), Node ${process.version}:`,
    '',
    '| language | toolchain | per hop | fused | binding, instantiation, fused plan |',
    '| --- | --- | ---: | ---: | --- |',
    ...rows,
  ];
}
