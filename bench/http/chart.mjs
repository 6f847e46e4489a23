// The results as an SVG horizontal bar chart: req/s per server, p99 written at the end
// of each bar, the baseline's req/s as a dashed line. Plain string building, so the
// chart needs no dependency and renders anywhere an <img> does (GitHub included).
import { BASELINE } from './servers.mjs';

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

/** A "nice" axis maximum and tick step covering `max`. */
function axis(max) {
  const raw = Math.max(max, 1) / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw);
  return { step, top: Math.ceil(max / step) * step || step };
}

const COLORS = { node: '#8c8c8c', framework: '#c27c2c', witline: '#3366cc', invalid: '#cc3333' };
const kind = (r) => (!r.valid ? 'invalid' : r.name.startsWith('witline') ? 'witline' : /Express|Fastify/.test(r.name) ? 'framework' : 'node');

/** The chart for the rows of a run; `subtitle` names the machine. */
export function svgChart(rows, { title = 'HTTP req/s (higher is better), p99 latency at the bar end', subtitle = '' } = {}) {
  const labelW = 300;
  const barW = 420;
  const noteW = 200;
  const rowH = 30;
  const top = 56;
  const width = labelW + barW + noteW;
  const height = top + rows.length * rowH + 40;
  const { step, top: max } = axis(Math.max(...rows.map((r) => r.reqPerSec)));
  const x = (v) => labelW + (v / max) * barW;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600" fill="#222">${esc(title)}</text>`,
    `<text x="12" y="40" fill="#666">${esc(subtitle)}</text>`,
  ];
  for (let v = 0; v <= max; v += step) {
    const gx = x(v).toFixed(1);
    out.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${top + rows.length * rowH}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${gx}" y="${top + rows.length * rowH + 16}" text-anchor="middle" fill="#777" font-size="11">${v.toLocaleString('en-US')}</text>`);
  }
  // The baseline line goes under the bars and the notes.
  const base = rows.find((r) => r.id === BASELINE);
  if (base) {
    const bx = x(base.reqPerSec).toFixed(1);
    out.push(`<line x1="${bx}" y1="${top - 4}" x2="${bx}" y2="${top + rows.length * rowH}" stroke="#444" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${bx}" y="${top - 8}" text-anchor="middle" fill="#444" font-size="11">(${BASELINE})</text>`);
  }
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const w = Math.max(0, x(r.reqPerSec) - labelW);
    const color = COLORS[kind(r)];
    out.push(`<text x="${labelW - 8}" y="${y + rowH / 2 + 4}" text-anchor="end" fill="#222">(${esc(r.id)}) ${esc(r.name)}</text>`);
    out.push(`<rect x="${labelW}" y="${y + 5}" width="${w.toFixed(1)}" height="${rowH - 10}" rx="2" fill="${color}"/>`);
    const note = r.valid ? `${r.reqPerSec.toLocaleString('en-US')} req/s · p99 ${r.p99Ms} ms` : 'INVALID: wrong answers';
    // A white box under the note (its width estimated: ~6.7 px a character at 12 px) hides the baseline line.
    out.push(`<rect x="${(labelW + w + 4).toFixed(1)}" y="${y + 7}" width="${(note.length * 6.7 + 4).toFixed(0)}" height="${rowH - 14}" fill="#fff"/>`);
    out.push(`<text x="${(labelW + w + 6).toFixed(1)}" y="${y + rowH / 2 + 4}" fill="${r.valid ? '#333' : COLORS.invalid}" font-size="12">${esc(note)}</text>`);
  });
  out.push(`<text x="${labelW}" y="${height - 6}" fill="#777" font-size="11">req/s, median of the repetitions</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}
