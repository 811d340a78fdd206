// The `file` group: the site opened from disk, as an unzipped copy or a folder
// sent by e-mail is, with no server at all. Chromium loads file:// pages with
// the site's own Content-Security-Policy, so this also proves that its
// scripts and styles are allowed there. From the home page it follows each
// top-level link of the navigation and comes back, checking on every page
// that it is the page (not a folder listing), that style.css applied, and
// that the charts drew with the local echarts.min.js.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { newContext, openPage, checkCharts } from './browser.mjs';

/** What only style.css sets: the header is a flex row (a browser's default is block). */
async function styled(page) {
  return page
    .evaluate(() => {
      const header = document.querySelector('.site-header');
      return Boolean(document.querySelector('main')) && header !== null && getComputedStyle(header).display === 'flex';
    })
    .catch(() => false);
}

/** Checks the page now shown; `label` names it in the findings. */
async function checkShown(page, label, problems) {
  const where = decodeURI(page.url());
  if (!where.endsWith('.html') && !where.includes('.html#')) problems.push(`${label}: opened ${where}, not a page's index.html`);
  if (!(await styled(page))) problems.push(`${label}: ${where} has no <main> or style.css was not applied`);
  const charts = await checkCharts(page);
  for (const p of charts.problems) problems.push(`${label}: ${p}`);
  return charts.count;
}

/**
 * Runs the group over `dir`, a site built with a local echarts.min.js; pushes
 * findings into `g.problems` and a note on what it visited.
 */
export async function checkFileSite(browser, dir, g) {
  const context = await newContext(browser, { serveCdn: false, files: true });
  const home = pathToFileURL(path.join(path.resolve(dir), 'index.html')).href;
  const { page, problems } = await openPage(context, home);
  // A file:// navigation has no HTTP response to report.
  const found = () => problems.filter((p) => p !== 'navigation returned no response');
  let charts = await checkShown(page, 'home', g.problems);
  const links = await page.$$eval('.site-nav a', (as) => as.map((a) => ({ text: a.textContent.trim(), href: a.href })));
  if (links.length === 0) g.problems.push('home: no navigation links');
  for (const [i, link] of links.entries()) {
    const label = `"${link.text}" from the home page`;
    // The home page's own entry: checked above, and going back from it leaves the site.
    if (link.href === home) continue;
    try {
      await Promise.all([page.waitForEvent('load'), page.locator('.site-nav a').nth(i).click()]);
      if (page.url() !== link.href) g.problems.push(`${label}: landed on ${page.url()}, not ${link.href}`);
      charts += await checkShown(page, label, g.problems);
      await page.goBack({ waitUntil: 'load' });
      if (page.url() !== home) g.problems.push(`${label}: back went to ${page.url()}, not the home page`);
      else if (!(await styled(page))) g.problems.push(`${label}: back on the home page, style.css not applied`);
    } catch (err) {
      g.problems.push(`${label}: ${String(err.message).split('\n')[0]}`);
      await page.goto(home).catch(() => {});
    }
  }
  g.problems.push(...found());
  g.notes.push(`${links.length} sections followed from ${home} and back; ${charts} charts drawn`);
  await page.close();
  await context.close();
}
