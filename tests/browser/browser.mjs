// Headless Chromium for the browser suite: launching Debian's /usr/bin/chromium
// through playwright-core (never a downloaded browser), a browser context per mode
// whose network is 127.0.0.1 only (the pinned ECharts CDN URL is answered from the
// npm package's file in the "cdn" mode; every other outside request is aborted and
// so shows up as a failed request), and the per-page checks that suite.mjs runs:
// console and page errors, failed requests and HTTP errors, dialogs, `window.__xss`,
// drawn and non-blank charts, and axe-core.

import fs from 'node:fs';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

/** The echarts script the site loads by default, and its pinned integrity. */
export const CDN_URL = 'https://cdn.jsdelivr.net/npm/echarts@5.6.0/dist/echarts.min.js';
export const ECHARTS_FILE = require.resolve('echarts/dist/echarts.min.js');
const AXE_FILE = require.resolve('axe-core/axe.min.js');
const AXE_SOURCE = fs.readFileSync(AXE_FILE, 'utf8');

export const CHART_TIMEOUT_MS = 10_000; // how long a chart may take to fire `finished`
const GOTO_TIMEOUT_MS = 20_000;
const IDLE_TIMEOUT_MS = 5_000;
const AXE_TIMEOUT_MS = 30_000;

/** Chromium as the machine notes say: no sandbox (root), no background traffic. */
export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    timeout: 60_000,
    // playwright-core gives every launch() a fresh temporary --user-data-dir of its
    // own (and refuses one in `args`), so each run starts from an empty profile.
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A browser context whose only network is 127.0.0.1. With `serveCdn`, the pinned
 * CDN URL is fulfilled from node_modules/echarts (with CORS, so that the page's
 * integrity + crossorigin="anonymous" check really runs against npm's bytes).
 * With `files`, file:// addresses load too.
 */
export async function newContext(browser, { serveCdn, files, ...options } = {}) {
  const context = await browser.newContext({ ...options, serviceWorkers: 'block' });
  context.setDefaultTimeout(GOTO_TIMEOUT_MS);
  const echarts = serveCdn ? fs.readFileSync(ECHARTS_FILE) : null;
  await context.route('**', (route) => {
    const url = route.request().url();
    let host = '';
    try {
      host = new URL(url).hostname;
    } catch {
      /* not a URL we serve: abort below */
    }
    // file: URLs are the disk, for a site opened from it: no network either.
    if (host === '127.0.0.1' || url.startsWith('file:')) return route.continue();
    if (echarts && url === CDN_URL) {
      return route.fulfill({
        status: 200,
        body: echarts,
        headers: {
          'content-type': 'application/javascript; charset=utf-8',
          'access-control-allow-origin': '*',
        },
      });
    }
    // Reported by the page's `requestfailed` listener (net::ERR_BLOCKED_BY_CLIENT).
    return route.abort('blockedbyclient');
  });
  return context;
}

/**
 * Opens `url` in a new page of `context`, recording every console error, uncaught
 * page error, failed request, HTTP status >= 400 and dialog as a finding string.
 * Resolves to { page, problems }; the caller closes the page.
 */
export async function openPage(context, url) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location();
    const where = loc && loc.url ? ` (at ${loc.url}:${loc.lineNumber + 1}:${loc.columnNumber + 1})` : '';
    problems.push(`console error: ${msg.text()}${where}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${String(err.message || err).split('\n')[0]}`));
  page.on('requestfailed', (req) => {
    const why = req.failure()?.errorText || 'failed';
    const note = why.includes('BLOCKED_BY_CLIENT') ? ' — not 127.0.0.1, blocked by the suite' : '';
    problems.push(`request failed: ${req.method()} ${req.url()} (${why}${note})`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`a ${dialog.type()} dialog opened: ${JSON.stringify(dialog.message())}`);
    dialog.dismiss().catch(() => {});
  });
  try {
    const res = await page.goto(url, { waitUntil: 'load', timeout: GOTO_TIMEOUT_MS });
    if (!res) problems.push('navigation returned no response');
    await page.waitForLoadState('networkidle', { timeout: IDLE_TIMEOUT_MS }).catch(() => {
      problems.push(`network still busy ${IDLE_TIMEOUT_MS / 1000} s after load`);
    });
  } catch (err) {
    problems.push(`did not load: ${String(err.message).split('\n')[0]}`);
  }
  return { page, problems };
}

/**
 * The chart contract: each `.chart-canvas` gets `data-drawn` once ECharts fires
 * `finished`, and then holds a <canvas> whose pixels are not all one colour; its
 * `data-option` names a <script type="application/json"> holding valid JSON, and
 * its <figure class="chart"> carries a data table. Resolves to
 * { count, problems: [string] }, each problem naming the chart by its aria-label.
 */
export async function checkCharts(page) {
  const count = await page.locator('.chart-canvas').count().catch(() => 0);
  if (count === 0) return { count, problems: [] };
  await page
    .waitForFunction(
      () => [...document.querySelectorAll('.chart-canvas')].every((el) => el.hasAttribute('data-drawn')),
      null,
      { timeout: CHART_TIMEOUT_MS, polling: 100 },
    )
    .catch(() => {}); // the undrawn ones are reported one by one below
  const problems = await page.evaluate((timeoutS) => {
    const out = [];
    document.querySelectorAll('.chart-canvas').forEach((el, i) => {
      const name = `chart ${JSON.stringify(el.getAttribute('aria-label') || `#${i + 1} (no aria-label)`)}`;
      const optionId = el.getAttribute('data-option');
      const json = optionId ? document.getElementById(optionId) : null;
      if (!optionId) out.push(`${name}: no data-option attribute`);
      else if (!json || json.tagName !== 'SCRIPT' || json.type !== 'application/json')
        out.push(`${name}: data-option="${optionId}" names no <script type="application/json">`);
      else if (document.querySelectorAll(`[id="${CSS.escape(optionId)}"]`).length > 1)
        out.push(`${name}: data-option="${optionId}" names an id used more than once on the page (it may draw another chart's option)`);
      else {
        try {
          JSON.parse(json.textContent);
        } catch (e) {
          out.push(`${name}: option #${optionId} is not valid JSON (${e.message})`);
        }
      }
      if (el.getAttribute('role') !== 'img') out.push(`${name}: the .chart-canvas has no role="img"`);
      if (!el.getAttribute('aria-label')) out.push(`${name}: the .chart-canvas has no aria-label`);
      const figure = el.closest('figure.chart');
      if (!figure) out.push(`${name}: not inside a <figure class="chart">`);
      else if (!figure.querySelector('table')) out.push(`${name}: its figure has no data table`);
      if (!el.hasAttribute('data-drawn')) {
        out.push(`${name}: not drawn within ${timeoutS} s (no data-drawn attribute)`);
        return;
      }
      const canvases = [...el.querySelectorAll('canvas')].filter((c) => c.width > 0 && c.height > 0);
      if (canvases.length === 0) {
        out.push(`${name}: marked drawn but holds no non-empty <canvas>`);
        return;
      }
      // Blank = every pixel the same RGBA value as the first (transparent or a fill).
      const drawn = canvases.some((c) => {
        const px = new Uint32Array(c.getContext('2d').getImageData(0, 0, c.width, c.height).data.buffer);
        for (let k = 1; k < px.length; k++) if (px[k] !== px[0]) return true;
        return false;
      });
      if (!drawn) out.push(`${name}: its canvas is blank (every pixel one colour)`);
    });
    return out;
  }, CHART_TIMEOUT_MS / 1000);
  return { count, problems };
}

/**
 * The colours each drawn chart gives its data (the palette and every series'
 * colours, as ECharts holds the option) against the background the chart
 * sits on: resolves to one problem per colour under 3:1 (WCAG's contrast for
 * graphics), and to the scheme each chart was drawn for (`data-scheme`).
 */
export async function chartContrast(page) {
  return page.evaluate(() => {
    const rgb = (c) => {
      const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
      if (hex) return hex.slice(1).map((h) => parseInt(h, 16));
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)/.exec(c);
      return m ? m.slice(1, 4).map(Number) : null;
    };
    const lum = ([r, g, b]) => {
      const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a, b) => (Math.max(lum(a), lum(b)) + 0.05) / (Math.min(lum(a), lum(b)) + 0.05);
    const backgroundOf = (el) => {
      for (let e = el; e; e = e.parentElement) {
        const c = getComputedStyle(e).backgroundColor;
        if (c && c !== 'transparent' && !/rgba\([^)]*,\s*0\)$/.test(c)) return c;
      }
      return 'rgb(255, 255, 255)';
    };
    const problems = [];
    const schemes = [];
    document.querySelectorAll('.chart-canvas').forEach((el, i) => {
      const chart = window.echarts && window.echarts.getInstanceByDom(el);
      if (!chart) return;
      schemes.push(el.getAttribute('data-scheme'));
      const name = `chart ${JSON.stringify(el.getAttribute('aria-label') || `#${i + 1}`)}`;
      const option = chart.getOption();
      const colours = new Set();
      const walk = (v) => {
        if (typeof v === 'string') {
          if (/^#[0-9a-f]{6}$/i.test(v)) colours.add(v.toLowerCase());
        } else if (Array.isArray(v)) v.forEach(walk);
        // Not the looks of a hovered or selected item, which ECharts fills
        // in by default (`select.itemStyle.borderColor`), only its own.
        else if (v && typeof v === 'object')
          Object.entries(v).forEach(([k, x]) => !['select', 'emphasis', 'blur'].includes(k) && walk(x));
      };
      walk(option.color);
      walk(option.series);
      const background = backgroundOf(el);
      for (const c of colours) {
        const r = ratio(rgb(c), rgb(background));
        if (r < 3) problems.push(`${name}: ${c} on ${background} is ${r.toFixed(2)}:1, under 3:1`);
      }
    });
    return { problems, schemes };
  });
}

/**
 * The CSV download of every table on the page: a `p.download` link right after
 * the table, to a file the site serves, with as many records as the table has
 * rows and as many fields in each as the row has cells, and each `data-value`
 * cell's value in its field. Resolves to { tables, problems }.
 */
export async function checkDownloads(page) {
  return page.evaluate(async () => {
    // RFC 4180 records: quoted fields may hold commas, quotes and line breaks.
    const parse = (text) => {
      const rows = [];
      let row = [];
      let field = '';
      let quoted = false;
      for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quoted) {
          if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
          else if (c === '"') quoted = false;
          else field += c;
        } else if (c === '"') quoted = true;
        else if (c === ',') row.push(field), (field = '');
        else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
        else field += c;
      }
      if (field || row.length) row.push(field), rows.push(row);
      return rows;
    };
    const problems = [];
    const tables = [...document.querySelectorAll('table')];
    for (const [i, table] of tables.entries()) {
      const name = `table ${i + 1}`;
      // Right after the table, or after the <details> a chart's table folds into.
      const folded = table.parentElement && table.parentElement.tagName === 'DETAILS' && !table.nextElementSibling;
      const after = folded ? table.parentElement.nextElementSibling : table.nextElementSibling;
      const link = after && after.matches('p.download') ? after.querySelector('a[download]') : null;
      if (!link) {
        problems.push(`${name} has no "Download CSV" link right after it (or after its <details>)`);
        continue;
      }
      const res = await fetch(link.href);
      if (!res.ok) {
        problems.push(`${name}: ${link.getAttribute('href')} answers HTTP ${res.status}`);
        continue;
      }
      const records = parse(await res.text());
      const rows = [...table.rows];
      if (records.length !== rows.length) {
        problems.push(`${name}: ${link.getAttribute('href')} has ${records.length} records for ${rows.length} table rows`);
        continue;
      }
      rows.forEach((tr, r) => {
        const cells = [...tr.cells];
        if (records[r].length !== cells.length)
          problems.push(`${name}, row ${r + 1}: ${records[r].length} fields for ${cells.length} cells`);
        cells.forEach((cell, c) => {
          const value = cell.getAttribute('data-value');
          if (value !== null && records[r][c] !== value)
            problems.push(`${name}, row ${r + 1}, cell ${c + 1}: the CSV has ${JSON.stringify(records[r][c])}, the table ${JSON.stringify(value)}`);
        });
      });
    }
    return { tables: tables.length, problems };
  });
}

/**
 * Moves the mouse over a grid of points on every chart, so that ECharts renders
 * its tooltips (HTML built from data values) — used by the hostile-data mode.
 */
export async function hoverCharts(page) {
  const charts = page.locator('.chart-canvas');
  const n = await charts.count();
  for (let i = 0; i < n; i++) {
    const chart = charts.nth(i);
    await chart.scrollIntoViewIfNeeded({ timeout: 2_000 }).catch(() => {});
    const box = await chart.boundingBox().catch(() => null);
    if (!box) continue;
    for (const fy of [0.4, 0.6])
      for (const fx of [0.2, 0.4, 0.6, 0.8]) {
        await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
        await page.waitForTimeout(25);
      }
  }
}

/** Runs axe-core in the page; resolves to its violations (every impact). */
export async function runAxe(page) {
  // Evaluated, not added as a <script>: the pages' Content-Security-Policy
  // refuses inline scripts, and the suite must not weaken it to test.
  await page.evaluate(AXE_SOURCE);
  return withTimeout(
    page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
          target: n.target.join(' '),
          html: n.html,
          summary: n.failureSummary,
        })),
      }));
    }),
    AXE_TIMEOUT_MS,
    'axe-core',
  );
}

/** Rejects when `promise` takes longer than `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}
