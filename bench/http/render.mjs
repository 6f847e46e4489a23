// Re-render a full run's results (bench/results/http-node<major>.json) into its .md, .svg
// and README section, with the current report (targets, notes): for when the report
// changes after a run, without measuring again.
//   node bench/http/render.mjs 20 26
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { svgChart } from './chart.mjs';
import { markdown, targets } from './report.mjs';
import { updateReadme } from './readme.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
for (const major of process.argv.slice(2)) {
  const files = `http-node${major}`;
  const { runs, ...saved } = JSON.parse(await readFile(`${root}bench/results/${files}.json`, 'utf8'));
  const result = { ...saved, targets: targets(saved.rows, saved.runs ?? []) };
  const m = result.machine;
  await writeFile(`${root}bench/results/${files}.json`, JSON.stringify({ ...result, runs }, null, 2) + '\n');
  await writeFile(`${root}bench/results/${files}.md`, markdown(result));
  await writeFile(
    `${root}bench/results/${files}.svg`,
    svgChart(result.rows, { subtitle: `${m.cpu}, ${m.cores} cores, Node ${m.node}${result.settings.pinned ? ', server pinned to one core' : ''}` }),
  );
  console.log(
    `${files}: ${(await updateReadme(`${root}README.md`, markdown(result), result.date, major, files)) ? 'README section updated' : 'no README section'}`,
  );
}
