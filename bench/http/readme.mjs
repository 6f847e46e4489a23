// Keep the README's benchmark section in step with the latest full run: the text
// between the two markers is replaced by the table (and the chart under it).
import { readFile, writeFile } from 'node:fs/promises';

const START = '<!-- bench:http:start (written by npm run bench) -->';
const END = '<!-- bench:http:end -->';

/** Replace the marked section of `readmePath`; false (and nothing written) without markers. */
export async function updateReadme(readmePath, tableMarkdown, date) {
  const text = await readFile(readmePath, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return false;
  const section = [
    START,
    '',
    `Measured ${date.slice(0, 10)} by \`npm run bench\`:`,
    '',
    tableMarkdown.trim(),
    '',
    '![HTTP req/s by server](bench/results/http.svg)',
    '',
    END,
  ].join('\n');
  await writeFile(readmePath, text.slice(0, a) + section + text.slice(b + END.length));
  return true;
}
