// The board pack (`cxreport pdf`) as a reader gets it: the run script prints
// the example plan's default pack through the same headless Chromium (with the
// local echarts copy, so nothing leaves the machine) and this reads it back
// with poppler's pdfinfo and pdftotext: how many sheets, and whether each one
// carries the plan's title, its as_of date and its own "n / N".

import { execFileSync } from 'node:child_process';

/** Resolves to { sheets, problems } for the PDF at `file`. */
export function checkPack(file, { title, asOf }) {
  const problems = [];
  let info;
  try {
    info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  } catch (e) {
    return { sheets: 0, problems: [`pdfinfo could not read ${file}: ${String(e.message).split('\n')[0]} (poppler-utils installed?)`] };
  }
  const sheets = Number((/^Pages:\s+(\d+)/m.exec(info) || [])[1] || 0);
  if (sheets < 4) problems.push(`${sheets} sheets: the default pack has at least one per page (home, KPIs, OKRs, alerts)`);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  // pdftotext ends each sheet with a form feed.
  const pages = text.split('\f').filter((p, i, all) => i < all.length - 1 || p.trim());
  if (pages.length !== sheets) problems.push(`pdftotext gives ${pages.length} sheets, pdfinfo ${sheets}`);
  pages.forEach((p, i) => {
    const n = i + 1;
    if (!p.includes(title)) problems.push(`sheet ${n} lacks the title ${JSON.stringify(title)}`);
    if (!p.includes(asOf)) problems.push(`sheet ${n} lacks ${JSON.stringify(asOf)}`);
    if (!new RegExp(`\\b${n} / ${sheets}\\b`).test(p)) problems.push(`sheet ${n} lacks its page number "${n} / ${sheets}"`);
  });
  for (const words of ['Headline KPIs', 'Alerts']) {
    if (!text.includes(words)) problems.push(`the pack never says ${JSON.stringify(words)}`);
  }
  return { sheets, problems };
}
