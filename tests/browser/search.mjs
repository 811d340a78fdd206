// The `search` group: the search box as a reader meets it, in Chromium.
//   http    the example site served on 127.0.0.1: a word that is on a KPI page
//           and on a content page finds both (pagefind's full-text index: the
//           content page is in pagefind/, the KPI page in pagefind/figures/,
//           merged into it by the box), the
//           live status says how many, axe passes with the results open, and the
//           keyboard reaches a result (Down, Down, Up) and follows it (Enter)
//   file    a site opened from disk (file://), where Chromium refuses pagefind's
//           module and fetches: the box falls back to the titles index, says so,
//           finds a page by its title and follows it with the keyboard; nothing
//           is logged as an error
//   many    the example with 200 more content pages, whose index has a third
//           bundle (pagefind/content-2/, the content pages' second half): a word
//           only on the last of them, and a word on a KPI page and a content page
//           of the first half, are found through one box
// Resolves to { problems, notes }.

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openPage, runAxe, withTimeout } from './browser.mjs';

const STEP_TIMEOUT_MS = 15_000;
// On the KPI page of bot containment and on the content page plan/automation.
const WORD = 'containment';
const WANT = ['kpis/bot_containment/index.html', 'plan/automation/index.html'];
// A title on disk: the content page "Automation priorities".
const TITLE_WORD = 'automation';
const TITLE_PAGE = 'plan/automation/index.html';
// Only on the last of the 200 notes tests/browser/run adds to the `many` plan.
const MANY_WORD = 'kingfisher';
const MANY_PAGE = 'zz-notes/note-200/index.html';

/** Types `text` into the box and waits for the status line and results. */
async function search(page, text) {
  await page.focus('#site-search-input');
  await page.keyboard.type(text, { delay: 20 });
  await page.waitForFunction(
    () => document.querySelector('.site-search-status')?.textContent.trim() !== '' &&
      document.querySelectorAll('.site-search-results a').length > 0,
    null,
    { timeout: STEP_TIMEOUT_MS },
  );
  return page.$$eval('.site-search-results a', (as) => as.map((a) => a.href));
}

/** What the page's focus is on: a result's href, or the box's id. */
const focused = (page) => page.evaluate(() => document.activeElement?.href || document.activeElement?.id || '');

/** The shared keyboard walk: Down, Down, Up lands on the first result; Enter follows it. */
async function walk(page, hrefs, problems) {
  await page.keyboard.press('ArrowDown');
  if ((await focused(page)) !== hrefs[0]) problems.push(`Down from the box did not focus the first result (${await focused(page)})`);
  if (hrefs.length > 1) {
    await page.keyboard.press('ArrowDown');
    if ((await focused(page)) !== hrefs[1]) problems.push('Down did not move to the second result');
    await page.keyboard.press('ArrowUp');
    if ((await focused(page)) !== hrefs[0]) problems.push('Up did not move back to the first result');
  }
  await Promise.all([page.waitForURL(hrefs[0], { timeout: STEP_TIMEOUT_MS }), page.keyboard.press('Enter')]);
}

export async function checkSearch(context, origin, fileSite, manyOrigin) {
  const problems = [];
  const notes = [];

  // Over http: pagefind's full text.
  {
    const { page, problems: found } = await openPage(context, `${origin}/`);
    try {
      await withTimeout((async () => {
        const label = await page.$eval('#site-search-input', (i) => i.labels.length && i.labels[0].textContent.trim());
        if (!label) problems.push('the search box has no <label>');
        if (!(await page.$('form[role="search"]'))) problems.push('no <form role="search">');
        const hrefs = await search(page, WORD);
        for (const want of WANT) {
          if (!hrefs.includes(`${origin}/${want}`)) problems.push(`searching "${WORD}" did not find /${want} (found ${hrefs.join(', ')})`);
        }
        const status = await page.$eval('.site-search-status', (s) => ({ text: s.textContent, live: s.getAttribute('aria-live') }));
        if (status.live !== 'polite') problems.push('the status line is not an aria-live region');
        if (!(await page.$eval('.site-search-note', (n) => n.hidden))) problems.push('the titles-only note shows over http');
        const excerpts = await page.$$eval('.site-search-excerpt mark', (ms) => ms.length);
        if (!excerpts) problems.push('no result shows its excerpt with the word marked');
        notes.push(`http: "${WORD}" → ${status.text.trim()} ${hrefs.length} shown`);
        for (const v of await runAxe(page)) {
          if (v.impact === 'serious' || v.impact === 'critical') {
            problems.push(`axe ${v.impact} ${v.id} with the results open: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
          }
        }
        await walk(page, hrefs, problems);
        // Escape on the next page: clears the box and keeps the focus in it.
        await search(page, WORD);
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Escape');
        const after = await page.evaluate(() => ({ value: document.querySelector('#site-search-input').value, focus: document.activeElement.id }));
        if (after.value !== '' || after.focus !== 'site-search-input') problems.push(`Escape left ${JSON.stringify(after)}`);
      })(), 60_000, 'the http search');
    } catch (e) {
      problems.push(`http: ${String(e.message).split('\n')[0]}`);
    }
    problems.push(...found.map((p) => `http: ${p}`));
    await page.close().catch(() => {});
  }

  // From disk: the titles index.
  if (fileSite) {
    const home = pathToFileURL(path.join(fileSite, 'index.html')).href;
    const { page, problems: found } = await openPage(context, home);
    try {
      await withTimeout((async () => {
        const hrefs = await search(page, TITLE_WORD);
        const want = pathToFileURL(path.join(fileSite, TITLE_PAGE)).href;
        if (!hrefs.includes(want)) problems.push(`file://: "${TITLE_WORD}" did not find ${TITLE_PAGE} (found ${hrefs.join(', ')})`);
        if (await page.$eval('.site-search-note', (n) => n.hidden)) problems.push('file://: the titles-only note is not shown');
        notes.push(`file://: "${TITLE_WORD}" → ${await page.$eval('.site-search-status', (s) => s.textContent.trim())}`);
        await walk(page, hrefs, problems);
      })(), 60_000, 'the file:// search');
    } catch (e) {
      problems.push(`file://: ${String(e.message).split('\n')[0]}`);
    }
    problems.push(...found.map((p) => `file://: ${p}`));
    await page.close().catch(() => {});
  }

  // Three bundles merged: the content pages' two halves and the figures.
  if (manyOrigin) {
    const { page, problems: found } = await openPage(context, `${manyOrigin}/`);
    try {
      await withTimeout((async () => {
        const bundles = await page.evaluate(async () => (await fetch('/pagefind/cxreport-merged.json')).json());
        if (!bundles.includes('content-2/')) problems.push(`many: pagefind/cxreport-merged.json lists ${JSON.stringify(bundles)}, no content-2/`);
        const last = await search(page, MANY_WORD);
        if (!last.includes(`${manyOrigin}/${MANY_PAGE}`)) problems.push(`many: "${MANY_WORD}" did not find /${MANY_PAGE} (found ${last.join(', ')})`);
        await page.fill('#site-search-input', '');
        const both = await search(page, WORD);
        for (const want of WANT) {
          if (!both.includes(`${manyOrigin}/${want}`)) problems.push(`many: "${WORD}" did not find /${want} (found ${both.join(', ')})`);
        }
        notes.push(`many (${bundles.length + 1} bundles): "${MANY_WORD}" → ${last.length} shown, "${WORD}" → ${both.length} shown`);
      })(), 60_000, 'the search over three bundles');
    } catch (e) {
      problems.push(`many: ${String(e.message).split('\n')[0]}`);
    }
    problems.push(...found.map((p) => `many: ${p}`));
    await page.close().catch(() => {});
  }
  return { problems, notes };
}
