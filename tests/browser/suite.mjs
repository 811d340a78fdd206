// The real-browser verification suite for sites cxreport builds (tests/browser/run
// builds the sites and calls this; see README.md here for each check). Over each
// site served on 127.0.0.1 by serve.mjs, in headless Debian Chromium:
//   load     every page loads with no console or page error, no failed request, no
//            HTTP status >= 400, no dialog; the pinned ECharts script's integrity
//            attribute matches the npm file, which answers the CDN URL
//   charts   every .chart-canvas is drawn (data-drawn) and its canvas is not blank,
//            and the colours of its data keep 3:1 contrast against the page
//   downloads every table is followed by a "Download CSV" link to a file with its
//            rows, cells and data-value figures
//   axe      axe-core finds no serious or critical violation (all are printed)
//   dark     the same pages with prefers-color-scheme: dark: charts drawn for it
//            with 3:1 colours, the page dark, and no serious or critical axe finding
//   phone    home page screenshots, full page at 1280 px and at a phone's 390 px,
//            with no horizontal scrolling at 390 px
//   links    every internal link, stylesheet, script and image, and every #fragment
//   html     the Nu HTML checker reports no error (example and hostile sites)
//   offline  the site built with a local echarts.min.js, all outside requests
//            blocked: every page loads cleanly and its charts draw
//   file     the local-echarts site opened from disk (file://, no server): style.css
//            applies, charts draw, each top-level section is followed and back
//   hostile  the plan in tests/fixtures/hostile: no payload runs (window.__xss stays
//            undefined, no dialog opens), charts hovered for their tooltips too
//   pdf      the example plan's board pack (cxreport pdf, printed by the run
//            script): sheets, and on each the title, as_of and "n / N"
//   live     `cxreport serve` on a copy of the plan (live.mjs): an edit reloads the
//            open page, a mistake shows over the last good page, the fix clears it
//   search   the search box (search.mjs): served, a word finds a KPI page and a
//            content page, and the keyboard follows a result; from file://, the
//            titles fallback finds a page by its title
// Each is one check group; the last line is `browser: N passed, M failed` over the
// groups, and the exit status is 1 when any group failed.

import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { serve } from './serve.mjs';
import { launch, newContext, openPage, checkCharts, chartContrast, checkDownloads, hoverCharts, runAxe, withTimeout, CDN_URL, ECHARTS_FILE } from './browser.mjs';
import { checkLinks, htmlFiles, urlPath } from './links.mjs';
import { checkHtml } from './vnu.mjs';
import { checkLive } from './live.mjs';
import { checkSearch } from './search.mjs';
import { checkFileSite } from './file.mjs';
import { checkPack } from './pdf.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SUITE_TIMEOUT_MS = 20 * 60_000; // the whole suite; CI allows 90 minutes
const PAGE_TIMEOUT_MS = 90_000; // everything done to one page
const PHONE = { width: 390, height: 844 };
const JOBS = Number(process.env.BROWSER_JOBS) || 4; // pages open at once

const USAGE = `usage: node suite.mjs --site DIR [--local-site DIR] [--hostile-site DIR]
       [--live-plan DIR --bin PATH] [--page PATH]... [--artifacts DIR]
       [--build-failure NAME]...
  --site DIR          the example site built with the default (CDN) echarts
  --local-site DIR    the same plan built with [charts] echarts = <local file>
  --hostile-site DIR  the plan in tests/fixtures/hostile, built
  --live-plan DIR     a copy of the example plan for \`cxreport serve\` to serve and edit
  --bin PATH          the cxreport binary that serves it
  --page PATH         check only this page (e.g. / or /kpis/sla/); repeatable
  --artifacts DIR     where screenshots go (default: tests/browser/artifacts)
  --build-failure N   count a failed build of site N as a failed group
  --mail DIR          e-mails written as HTML files (cxreport digest --out), for the Nu checker
  --file-site DIR     the plan built with base_url = DIR, for the search box opened from disk
  --many-site DIR     the plan with 200 more content pages, for search over three bundles`;

let args;
try {
  args = parseArgs({
    options: {
      site: { type: 'string' },
      'local-site': { type: 'string' },
      'hostile-site': { type: 'string' },
      'live-plan': { type: 'string' },
      bin: { type: 'string' },
      page: { type: 'string', multiple: true },
      artifacts: { type: 'string' },
      'build-failure': { type: 'string', multiple: true },
      mail: { type: 'string' },
      pdf: { type: 'string' },
      'file-site': { type: 'string' },
      'many-site': { type: 'string' },
      help: { type: 'boolean' },
    },
  }).values;
} catch (e) {
  console.error(`${e.message}\n${USAGE}`);
  process.exit(2);
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

// ---- results: one group per check; a group fails when it has any problem ----

const groups = [];
function group(name, what) {
  const g = { name, what, problems: [], notes: [], started: Date.now(), ms: 0 };
  groups.push(g);
  return g;
}
const done = (g) => (g.ms = Date.now() - g.started);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;

const ORDER = ['build', 'load', 'charts', 'downloads', 'axe', 'dark', 'phone', 'links', 'html', 'offline', 'file', 'hostile', 'live', 'search', 'pdf', 'suite', 'timeout'];
function printSummary() {
  console.log('');
  groups.sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name));
  for (const g of groups) {
    const status = g.problems.length ? `FAIL (${g.problems.length} finding${g.problems.length === 1 ? '' : 's'})` : 'PASS';
    console.log(`${status.padEnd(18)} ${g.name.padEnd(8)} ${g.what} [${(g.ms / 1000).toFixed(1)} s]`);
    for (const n of g.notes) console.log(`    note: ${n}`);
    for (const p of g.problems) console.log(`    ${p}`);
  }
  const failed = groups.filter((g) => g.problems.length).length;
  console.log(`browser: ${groups.length - failed} passed, ${failed} failed`);
  return failed;
}

const watchdog = setTimeout(() => {
  const g = group('timeout', `the suite stopped after ${SUITE_TIMEOUT_MS / 60_000} minutes`);
  g.problems.push('the whole suite took too long: something hangs');
  printSummary();
  process.exit(1);
}, SUITE_TIMEOUT_MS);
watchdog.unref();

// ---- which pages ----

if (!args.site && !args['local-site'] && !args['hostile-site'] && !args['live-plan'] && !(args['build-failure'] || []).length) {
  console.error(USAGE);
  process.exit(2);
}
for (const name of args['build-failure'] || []) {
  const g = group('build', `build of the ${name} site`);
  g.problems.push(`cxreport build failed for the ${name} site (its output is above); its checks did not run`);
  done(g);
}

// A built site must at least have a home page (vnu.jar passes a missing directory).
for (const [key, name] of [['site', 'example'], ['local-site', 'offline'], ['hostile-site', 'hostile']]) {
  if (args[key] && !fs.existsSync(path.join(args[key], 'index.html'))) {
    const g = group('build', `build of the ${name} site`);
    g.problems.push(`${args[key]} has no index.html: nothing to check`);
    done(g);
    delete args[key];
  }
}

/** `--page` values as site-relative files, or null for every page. */
function selectedFiles() {
  if (!args.page) return null;
  return new Set(
    args.page.map((p) => {
      const s = p.replace(/^\/+/, '').replace(/\/+$/, '');
      return s === '' ? 'index.html' : s.endsWith('.html') ? s : `${s}/index.html`;
    }),
  );
}
const only = selectedFiles();
/** The pages of a site to check; `strict`: every --page must exist in it. */
function pagesOf(dir, strict = true) {
  const all = htmlFiles(dir);
  if (!only) return all;
  const missing = [...only].filter((f) => !all.includes(f));
  if (missing.length && strict) {
    console.error(`no such page in ${dir}: ${missing.map(urlPath).join(', ')}`);
    process.exit(2);
  }
  return all.filter((f) => only.has(f));
}

const artifacts = path.resolve(args.artifacts || path.join(HERE, 'artifacts'));
const sha384 = `sha384-${crypto.createHash('sha384').update(fs.readFileSync(ECHARTS_FILE)).digest('base64')}`;

/**
 * Runs `fn(page, problems, file)` on every page of a site, a few pages at a time
 * (most of a page's time is waiting); problems are reported in file order, tagged
 * by page, into `p.group` or the mode's default group.
 */
async function eachPage(context, origin, files, label, fn) {
  const t0 = Date.now();
  const results = new Array(files.length);
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const f = files[i];
      const { page, problems } = await openPage(context, origin + urlPath(f));
      try {
        await withTimeout(fn(page, problems, f), PAGE_TIMEOUT_MS, `checking ${urlPath(f)}`);
      } catch (e) {
        problems.push(`check aborted: ${String(e.message).split('\n')[0]}`);
      }
      await page.close().catch(() => {});
      results[i] = problems;
    }
  };
  await Promise.all(Array.from({ length: Math.min(JOBS, files.length) }, worker));
  files.forEach((f, i) => {
    for (const p of results[i]) {
      const g = p.group || defaultGroup.get(label);
      (p.note ? g.notes : g.problems).push(`${urlPath(f)}: ${p.text || p}`);
    }
  });
  console.log(`${label}: ${plural(files.length, 'page')} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
const defaultGroup = new Map();

// ---- the checks ----

/**
 * axe-core's violations on the page as problems of group `g`, each with its
 * nodes; minor and moderate ones as notes, which do not fail the group.
 */
async function axeFindings(page, g) {
  return (await runAxe(page)).map((v) => {
    const serious = v.impact === 'serious' || v.impact === 'critical';
    const lines = [`axe ${v.impact} ${v.id}: ${v.help} (${v.helpUrl})`];
    for (const n of v.nodes) {
      lines.push(`      ${n.target}  ${n.html.replace(/\s+/g, ' ').slice(0, 200)}`);
      if (serious && n.summary) lines.push(`        ${n.summary.replace(/\s+/g, ' ').slice(0, 300)}`);
    }
    return { group: g, text: serious ? lines.join('\n') : `(${v.impact}, not failing) ${lines.join('\n')}`, note: !serious };
  });
}

let browser;
const servers = [];
/** The example site with its default CDN echarts: load, charts, axe, phone, links. */
async function exampleSite() {
  const site = path.resolve(args.site);
  const srv0 = await serve(site);
  servers.push(srv0);
  const files = pagesOf(site);
  const load = group('load', `pages load cleanly (cdn echarts served from npm), ${plural(files.length, 'page')}`);
  const charts = group('charts', 'every chart drawn and not blank');
  const axe = group('axe', 'axe-core: no serious or critical violation');
  const downloads = group('downloads', 'every table has a CSV download of its rows and figures');
  defaultGroup.set('cdn', load);
  let chartCount = 0;
  let chartPages = 0;
  let tableCount = 0;
  const ctx = await newContext(browser, { serveCdn: true, viewport: { width: 1280, height: 800 } });
  await eachPage(ctx, srv0.origin, files, 'cdn', async (page, problems, f) => {
    // The pinned script must carry the integrity npm's file has, and CORS mode.
    const tags = await page.$$eval('script[src]', (els) =>
      els.map((e) => ({ src: e.src, integrity: e.getAttribute('integrity'), crossorigin: e.getAttribute('crossorigin') })),
    );
    for (const t of tags.filter((t) => t.src === CDN_URL)) {
      if (t.integrity !== sha384)
        problems.push(`the echarts <script> has integrity=${JSON.stringify(t.integrity)}; npm's echarts 5.6.0 is ${sha384}`);
      if (t.crossorigin !== 'anonymous') problems.push(`the echarts <script> has crossorigin=${JSON.stringify(t.crossorigin)}, not "anonymous"`);
    }
    const c = await checkCharts(page);
    chartCount += c.count;
    if (c.count) chartPages++;
    for (const p of c.problems) problems.push({ group: charts, text: p });
    for (const p of (await chartContrast(page)).problems) problems.push({ group: charts, text: p });
    const d = await checkDownloads(page);
    tableCount += d.tables;
    for (const p of d.problems) problems.push({ group: downloads, text: p });
    if (f === 'index.html') {
      fs.mkdirSync(artifacts, { recursive: true });
      const shot = path.join(artifacts, 'home.png');
      await page.screenshot({ path: shot, fullPage: true, timeout: 30_000 });
      load.notes.push(`home page screenshot (1280 px, full page): ${shot}`);
    }
    problems.push(...(await axeFindings(page, axe)));
  });
  await ctx.close();
  charts.notes.push(
    chartCount ? `${plural(chartCount, 'chart')} on ${plural(chartPages, 'page')}` : 'no .chart-canvas on any page checked: nothing to draw',
  );
  downloads.notes.push(`${plural(tableCount, 'table')} and their CSV files checked`);
  for (const g of [load, charts, downloads, axe]) done(g);

  // The dark scheme, as a reader whose system asks for it sees every page:
  // charts drawn for it, their colours 3:1 against the page, and axe's
  // contrast (and every other) rule passing.
  const dark = group('dark', 'dark scheme: charts drawn dark with 3:1 colours, no serious or critical axe violation');
  defaultGroup.set('dark', dark);
  const dctx = await newContext(browser, { serveCdn: true, viewport: { width: 1280, height: 800 }, colorScheme: 'dark' });
  let darkCharts = 0;
  await eachPage(dctx, srv0.origin, files, 'dark', async (page, problems, f) => {
    for (const p of (await checkCharts(page)).problems) problems.push(p);
    const c = await chartContrast(page);
    darkCharts += c.schemes.length;
    for (const p of c.problems) problems.push(p);
    const light = c.schemes.filter((s) => s !== 'dark').length;
    if (light) problems.push(`${plural(light, 'chart')} not drawn for the dark scheme`);
    const paper = await page.evaluate(() => getComputedStyle(document.querySelector('main')).backgroundColor);
    if (paper === 'rgb(255, 255, 255)') problems.push('<main> stays white under prefers-color-scheme: dark');
    if (f === 'index.html') {
      fs.mkdirSync(artifacts, { recursive: true });
      const shot = path.join(artifacts, 'home-dark.png');
      await page.screenshot({ path: shot, fullPage: true, timeout: 30_000 });
      dark.notes.push(`home page screenshot, dark (1280 px, full page): ${shot}`);
    }
    problems.push(...(await axeFindings(page, dark)));
  });
  await dctx.close();
  dark.notes.push(`${plural(darkCharts, 'chart')} drawn dark`);
  done(dark);

  // Phone width: screenshot and no sideways scrolling on the home page.
  if (!only || only.has('index.html')) {
    const phone = group('phone', `home page at ${PHONE.width} px: screenshot, no horizontal scroll`);
    defaultGroup.set('phone', phone);
    const pctx = await newContext(browser, {
      serveCdn: true,
      viewport: PHONE,
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    await eachPage(pctx, srv0.origin, ['index.html'], 'phone', async (page, problems) => {
      for (const p of (await checkCharts(page)).problems) problems.push(p);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      if (width > PHONE.width) {
        const wide = await page.evaluate((vw) => {
          // The outermost elements that stick out past the viewport's right edge.
          const out = [];
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.right > vw + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > vw + 1)) {
              const cls = el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
              out.push(`<${el.tagName.toLowerCase()}${cls}> ${Math.round(r.width)} px wide, right edge at ${Math.round(r.right)} px`);
            }
            if (out.length >= 8) break;
          }
          return out;
        }, PHONE.width);
        problems.push(`the page is ${width} px wide at a ${PHONE.width} px viewport (scrolls sideways): ${wide.join('; ') || 'cause not found'}`);
      }
      const shot = path.join(artifacts, 'home-phone.png');
      fs.mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: shot, fullPage: true, timeout: 30_000 });
      phone.notes.push(`home page screenshot (${PHONE.width} px, full page): ${shot}`);
    });
    await pctx.close();
    done(phone);
  }

  // Internal links and anchors, from the HTML as written.
  const links = group('links', 'every internal link and #fragment resolves');
  const lr = await checkLinks(browser, site, srv0.origin, only);
  for (const p of lr.problems) links.problems.push(`${p.page}: ${p.message}`);
  links.notes.push(`${lr.checked} internal references on ${plural(lr.pages, 'page')} checked; ${lr.external} outside the site not followed`);
  done(links);

  // The search box, served and (with --file-site) from disk.
  if (!only) {
    const search = group('search', 'the search box: full text over http, titles from file://, by keyboard');
    const sctx = await newContext(browser, { serveCdn: true, viewport: { width: 1280, height: 800 } });
    const fileSite = args['file-site'] ? path.resolve(args['file-site']) : null;
    let manyOrigin = null;
    if (args['many-site']) {
      const srv = await serve(path.resolve(args['many-site']));
      servers.push(srv);
      manyOrigin = srv.origin;
    }
    const found = await checkSearch(sctx, srv0.origin, fileSite, manyOrigin);
    search.problems.push(...found.problems);
    search.notes.push(...found.notes);
    if (!fileSite) search.notes.push('no --file-site: the file:// fallback was not checked');
    if (!manyOrigin) search.notes.push('no --many-site: search over three bundles was not checked');
    await sctx.close();
    done(search);
  }
}

async function main() {
  if (!args.site && !args['local-site'] && !args['hostile-site'] && !args['live-plan']) return;
  browser = await launch();
  console.log(`chromium ${browser.version()}; echarts from ${path.relative(process.cwd(), ECHARTS_FILE)} (${sha384})`);

  // Main mode: the example site with its default CDN echarts, answered locally.
  if (args.site) await exampleSite();

  // Local echarts, no network at all.
  if (args['local-site']) {
    const dir = path.resolve(args['local-site']);
    const srv = await serve(dir);
    servers.push(srv);
    const offline = group('offline', 'local echarts, every outside request blocked: pages load, charts draw');
    defaultGroup.set('offline', offline);
    const octx = await newContext(browser, { serveCdn: false });
    let n = 0;
    await eachPage(octx, srv.origin, pagesOf(dir), 'offline', async (page, problems) => {
      const c = await checkCharts(page);
      n += c.count;
      problems.push(...c.problems);
    });
    await octx.close();
    offline.notes.push(`${n} charts checked with no network`);
    done(offline);

    // The same site from disk: relative links and file:// (file.mjs).
    const file = group('file', 'opened from disk (file://): styles apply, charts draw, each section and back');
    await checkFileSite(browser, dir, file);
    done(file);
  }

  // Hostile data values must stay text.
  if (args['hostile-site']) {
    const dir = path.resolve(args['hostile-site']);
    const srv = await serve(dir);
    servers.push(srv);
    const hostile = group('hostile', 'tests/fixtures/hostile: no payload runs, no dialog, pages load cleanly');
    defaultGroup.set('hostile', hostile);
    const hctx = await newContext(browser, { serveCdn: true });
    await hctx.addInitScript(() => {
      // Catch a payload that runs before the check and then deletes its flag.
      let hit;
      Object.defineProperty(window, '__xss', {
        configurable: false,
        get: () => hit,
        set: (v) => {
          hit = v;
          console.error(`XSS payload ran: window.__xss = ${String(v)}`);
        },
      });
    });
    const hfiles = pagesOf(dir, false); // the fixture has pages of its own
    await eachPage(hctx, srv.origin, hfiles, 'hostile', async (page, problems) => {
      problems.push(...(await checkCharts(page)).problems);
      await hoverCharts(page);
      await page.waitForTimeout(200); // let an <img onerror> fire
      const xss = await page.evaluate(() => typeof window.__xss === 'undefined' ? null : String(window.__xss));
      if (xss !== null) problems.push(`window.__xss is ${JSON.stringify(xss)}: a data value ran as script`);
    });
    await hctx.close();
    hostile.notes.push(`${plural(hfiles.length, 'page')} checked`);
    done(hostile);
  }

  // The authoring loop: serve, edit, reload, mistake, fix.
  if (args['live-plan']) {
    const live = group('live', 'cxreport serve: an edit reloads the page, a mistake shows over it, the fix clears it');
    if (!args.bin) {
      live.problems.push('--live-plan needs --bin');
    } else {
      const lctx = await newContext(browser, { serveCdn: true });
      const found = await checkLive(lctx, path.resolve(args.bin), path.resolve(args['live-plan']));
      live.problems.push(...found.problems);
      live.notes.push(...found.notes);
      await lctx.close();
    }
    done(live);
  }
}

// The board pack the run script printed: sheets, title, as_of, page numbers.
function pdfCheck() {
  if (!args.pdf) return;
  const g = group('pdf', 'the board pack (cxreport pdf): every sheet has the title, as_of and "n / N"');
  const r = checkPack(path.resolve(args.pdf), { title: 'Tienda Norte', asOf: '31 Oct 2026' });
  g.problems.push(...r.problems);
  g.notes.push(`${plural(r.sheets, 'sheet')} read back with pdfinfo and pdftotext`);
  done(g);
}

// The Nu HTML checker over the example site (and the hostile site, and the
// e-mails written beside them), in one JVM.
async function htmlCheck() {
  const sites = [args.site, args['hostile-site'], args.mail].filter(Boolean).map((d) => path.resolve(d));
  if (!sites.length) return;
  const g = group('html', 'the Nu HTML checker reports no error');
  const targets = only
    ? sites.flatMap((d) => [...only].map((f) => path.join(d, f)).filter((f) => fs.existsSync(f)))
    : sites;
  try {
    const count = only ? targets.length : sites.reduce((n, d) => n + htmlFiles(d).length, 0);
    g.notes.push(`${count} HTML files checked`);
    const errors = await checkHtml(targets);
    const siteOf = (e) => sites.findIndex((d) => e.file.startsWith(d + path.sep));
    errors.sort((a, b) => siteOf(a) - siteOf(b) || a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
    for (const e of errors) {
      const site = sites.find((d) => e.file.startsWith(d + path.sep));
      const label = args.site && site === path.resolve(args.site) ? '' : args.mail && site === path.resolve(args.mail) ? 'e-mail ' : 'hostile ';
      const where = site ? `${label}${urlPath(path.relative(site, e.file).split(path.sep).join('/'))}` : e.file;
      g.problems.push(`${where} line ${e.line} col ${e.column}: ${e.message}${e.extract ? `  [${e.extract}]` : ''}`);
    }
  } catch (e) {
    g.problems.push(String(e.message));
  }
  done(g);
}

let code = 1;
// vnu runs in its own process while the browser works.
const html = htmlCheck();
try {
  await main();
  pdfCheck();
  await html;
  code = printSummary() ? 1 : 0;
} catch (e) {
  console.error(`the suite itself failed: ${e.stack || e}`);
  await html.catch(() => {});
  const g = group('suite', 'the suite ran to the end');
  g.problems.push(String(e.message).split('\n')[0]);
  printSummary();
} finally {
  await browser?.close().catch(() => {});
  await Promise.all(servers.map((s) => s.close()));
  clearTimeout(watchdog);
}
process.exit(code);
