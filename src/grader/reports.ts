import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../common/fs.js';
import type { GradeReport, SubmissionResult } from './grade.js';
import type { CheckResult } from '../labkit/types.js';

/** Numbers as written by people: 2.5, not 2.5000000001. */
const num = (n: number): string => String(Math.round(n * 1000) / 1000);

const csvCell = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

/** One row per submission, a column per lab, and the total. Fractional points are exact. */
export function gradebookCsv(r: GradeReport): string {
  const header = ['submission', 'account', ...r.labs.map((l) => l.id), 'total', 'max'];
  const rows = r.submissions.map((s) => [s.name, s.accountId, ...r.labs.map((l) => num(s.labs[l.id]?.score ?? 0)), num(s.total), num(s.maxTotal)]);
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n') + '\n';
}

const xml = (s: string): string =>
  s
    // eslint-disable-next-line no-control-regex -- XML 1.0 cannot carry these control characters at all
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');

/** JUnit XML: a test suite per submission, a test case per check, for CI systems and LMS imports. */
export function junitXml(r: GradeReport): string {
  const suites = r.submissions.map((s) => {
    const cases = r.labs.flatMap((l) =>
      (s.labs[l.id]?.checks ?? []).map((c) => {
        const name = `${l.id}: ${c.title}`;
        const time = (c.durationMs / 1000).toFixed(3);
        const body =
          c.status === 'fail' || c.status === 'timeout'
            ? `<failure message="${xml(c.message ?? c.status)}" type="${c.status}">${xml([c.message, c.output].filter(Boolean).join('\n'))}</failure>`
            : c.status === 'error'
              ? `<error message="${xml(c.message ?? 'error')}" type="error">${xml(c.message ?? '')}</error>`
              : c.status === 'skipped'
                ? `<skipped message="${xml(c.message ?? 'skipped')}"/>`
                : '';
        return `    <testcase classname="${xml(`${s.name}.${l.id}`)}" name="${xml(name)}" time="${time}">${body}</testcase>`;
      }),
    );
    const all = r.labs.flatMap((l) => s.labs[l.id]?.checks ?? []);
    const count = (st: CheckResult['status'][]) => all.filter((c) => st.includes(c.status)).length;
    return `  <testsuite name="${xml(s.name)}" tests="${all.length}" failures="${count(['fail', 'timeout'])}" errors="${count(['error'])}" skipped="${count(['skipped'])}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="awslings">\n${suites.join('\n')}\n</testsuites>\n`;
}

const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STATUS_STYLE: Record<CheckResult['status'], string> = { pass: 'pass', fail: 'fail', error: 'error', timeout: 'timeout', skipped: 'skipped' };

/** How many submissions scored in each tenth of a lab's points: the class's distribution, as an inline SVG bar chart. */
function histogram(r: GradeReport, labId: string, max: number): string {
  const buckets = new Array(11).fill(0) as number[];
  for (const s of r.submissions) {
    const score = s.labs[labId]?.score ?? 0;
    buckets[max ? Math.min(10, Math.floor((score / max) * 10)) : 0]++;
  }
  const top = Math.max(1, ...buckets);
  const w = 22;
  const h = 90;
  const bars = buckets
    .map((n, i) => {
      const bh = Math.round((n / top) * (h - 20));
      const label = i === 10 ? '100%' : `${i * 10}%`;
      return `<g><title>${label}${i < 10 ? `–${i * 10 + 9}%` : ''}: ${n}</title><rect x="${i * (w + 4)}" y="${h - 14 - bh}" width="${w}" height="${bh}" rx="2"/><text x="${i * (w + 4) + w / 2}" y="${h - 2}" text-anchor="middle">${i * 10}</text>${n ? `<text x="${i * (w + 4) + w / 2}" y="${h - 17 - bh}" text-anchor="middle">${n}</text>` : ''}</g>`;
    })
    .join('');
  return `<svg class="hist" viewBox="0 0 ${11 * (w + 4)} ${h}" role="img" aria-label="Distribution of scores for ${html(labId)}, by percent of the maximum">${bars}</svg>`;
}

function submissionDetails(r: GradeReport, s: SubmissionResult): string {
  const labs = r.labs
    .map((l) => {
      const res = s.labs[l.id];
      if (!res) return '';
      const rows = res.checks
        .map(
          (c) =>
            `<tr><td><span class="badge ${STATUS_STYLE[c.status]}">${c.status}</span></td><td>${html(c.title)}</td><td class="num">${num(c.points)}/${num(c.maxPoints)}</td><td>${html(c.message ?? '')}${c.output ? `<details><summary>output</summary><pre>${html(c.output)}</pre></details>` : ''}</td></tr>`,
        )
        .join('');
      const deploy = res.deploy && res.deploy.status !== 'ok' ? `<p class="deploy">Deploy ${html(res.deploy.status)}: <pre>${html(res.deploy.output.slice(-2000))}</pre></p>` : '';
      return `<h4>${html(l.title)} <small>${html(l.id)} · ${num(res.score)}/${num(res.maxScore)}</small></h4>${deploy}<table><thead><tr><th>status</th><th>check</th><th>points</th><th>message</th></tr></thead><tbody>${rows}</tbody></table>`;
    })
    .join('');
  return `<details><summary><strong>${html(s.name)}</strong> — ${num(s.total)}/${num(s.maxTotal)}</summary>${labs}</details>`;
}

/** A self-contained page: the gradebook, the class distribution per lab, and every check of every submission. */
export function reportHtml(r: GradeReport): string {
  const head = `<tr><th scope="col">submission</th>${r.labs.map((l) => `<th scope="col" title="${html(l.title)}">${html(l.id)}<br><small>/${num(l.maxScore)}</small></th>`).join('')}<th scope="col">total</th></tr>`;
  const body = r.submissions
    .map((s) => `<tr><th scope="row">${html(s.name)}</th>${r.labs.map((l) => `<td class="num">${num(s.labs[l.id]?.score ?? 0)}</td>`).join('')}<td class="num"><strong>${num(s.total)}</strong>/${num(s.maxTotal)}</td></tr>`)
    .join('');
  const charts = r.labs
    .map((l) => {
      const scores = r.submissions.map((s) => s.labs[l.id]?.score ?? 0);
      const mean = scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length);
      return `<figure><figcaption>${html(l.title)} <small>(${html(l.id)}, mean ${num(mean)}/${num(l.maxScore)})</small></figcaption>${histogram(r, l.id, l.maxScore)}</figure>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>awslings grades</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem}table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}small{color:#57606a}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:1rem}figure{margin:0;border:1px solid #d0d7de;border-radius:6px;padding:.5rem}
.hist rect{fill:#d97706}.hist text{font-size:9px;fill:#1b1f24}
.badge{display:inline-block;border-radius:4px;padding:0 .4rem;font-size:.8rem;font-weight:600}
.pass{background:#dafbe1;color:#116329}.fail{background:#ffebe9;color:#a40e26}.error{background:#fbefff;color:#6e40c9}.timeout{background:#fff8c5;color:#7d4e00}.skipped{background:#eaeef2;color:#424a53}
details{margin:.4rem 0}pre{white-space:pre-wrap;background:#f6f8fa;padding:.5rem;border-radius:4px;max-height:20rem;overflow:auto}
</style></head>
<body><main>
<h1>awslings grades</h1>
<p>${r.submissions.length} submissions, ${r.labs.length} labs, graded ${html(r.gradedAt)} in ${(r.durationMs / 1000).toFixed(1)} s.</p>
<h2>Gradebook</h2>
<table><thead>${head}</thead><tbody>${body}</tbody></table>
<h2>Class distribution</h2>
<p>Submissions per tenth of each lab's points (0 = under 10%).</p>
<div class="charts">${charts}</div>
<h2>Every check</h2>
${r.submissions.map((s) => submissionDetails(r, s)).join('\n')}
</main></body></html>
`;
}

export function writeReports(r: GradeReport, outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const files: [string, string][] = [
    ['gradebook.csv', gradebookCsv(r)],
    ['results.json', JSON.stringify(r, null, 2) + '\n'],
    ['junit.xml', junitXml(r)],
    ['report.html', reportHtml(r)],
  ];
  for (const [name, content] of files) writeFileAtomic(join(outDir, name), content);
  return files.map(([name]) => join(outDir, name));
}
