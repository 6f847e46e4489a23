// Keep the README's benchmark sections in step with the latest full runs: one section per
// Node major (`npm run bench` runs on the machine's Node and on Node 26), the text between
// its two markers replaced by the table and the chart under it.
import { readFile, writeFile } from 'node:fs/promises';

const markers = (major) => [`<!-- bench:http:node${major}:start (written by npm run bench) -->`, `<!-- bench:http:node${major}:end -->`];

/** Replace the Node `major` section of `readmePath`; false (and nothing written) without its markers. */
export async function updateReadme(readmePath, tableMarkdown, date, major, files) {
  const [START, END] = markers(major);
  const text = await readFile(readmePath, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) return false;
  const section = [
    START,
    '',
    `Node ${major}, measured ${date.slice(0, 10)} by \`npm run bench\` ([${files}.md](bench/results/${files}.md), [json](bench/results/${files}.json)):`,
    '',
    tableMarkdown.trim(),
    '',
    `![HTTP req/s by server, Node ${major}](bench/results/${files}.svg)`,
    '',
    END,
  ].join('\n');
  await writeFile(readmePath, text.slice(0, a) + section + text.slice(b + END.length));
  return true;
}
