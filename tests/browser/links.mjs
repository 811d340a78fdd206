// The internal link and anchor check. Each built HTML file is parsed as written on
// disk (by the browser's DOMParser, which runs no scripts, so <noscript> content
// counts too); every a[href], link[href], script[src] and img[src] that points inside
// the site must name a file that exists (a directory must hold index.html), and a
// `#fragment` must name an element id (or <a name>) on the target page. Links out
// of the site are counted but not followed: the suite runs offline.

import fs from 'node:fs';
import path from 'node:path';

/** Every .html file under `dir`, as site-relative paths with '/' separators. */
export function htmlFiles(dir) {
  const out = [];
  const walk = (rel) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.name.endsWith('.html')) out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** The URL path a file is browsed at: `a/index.html` → `/a/`, `x.html` → `/x.html`. */
export function urlPath(file) {
  return file === 'index.html' ? '/' : file.endsWith('/index.html') ? `/${file.slice(0, -10)}` : `/${file}`;
}

/** Parses one HTML text in `page`: its ids and its references. */
async function parse(page, html) {
  return page.evaluate((text) => {
    const doc = new DOMParser().parseFromString(text, 'text/html');
    const ids = [...doc.querySelectorAll('[id]')].map((e) => e.id);
    const names = [...doc.querySelectorAll('a[name]')].map((e) => e.getAttribute('name'));
    const refs = [];
    for (const [sel, attr] of [
      ['a[href]', 'href'],
      ['link[href]', 'href'],
      ['script[src]', 'src'],
      ['img[src]', 'src'],
    ]) {
      for (const e of doc.querySelectorAll(sel)) {
        const text = (e.textContent || e.getAttribute('alt') || e.getAttribute('rel') || '').trim().replace(/\s+/g, ' ');
        refs.push({ tag: e.tagName.toLowerCase(), attr, value: e.getAttribute(attr), text: text.slice(0, 60) });
      }
    }
    const base = doc.querySelector('base[href]')?.getAttribute('href') || null;
    return { ids: [...ids, ...names], refs, base };
  }, html);
}

/**
 * Checks the site in `dir` as if served at `origin`. `only` (a Set of site-relative
 * files, or null) limits which pages' links are reported. Resolves to
 * { problems: [{ page, message }], checked, external }.
 */
export async function checkLinks(browser, dir, origin, only = null) {
  const page = await browser.newPage();
  try {
    const files = htmlFiles(dir);
    const parsed = new Map();
    for (const f of files) parsed.set(f, await parse(page, fs.readFileSync(path.join(dir, f), 'utf8')));
    const problems = [];
    let checked = 0;
    let external = 0;
    for (const f of files) {
      if (only && !only.has(f)) continue;
      const { refs, base } = parsed.get(f);
      const pageUrl = new URL(urlPath(f), origin);
      const baseUrl = base ? new URL(base, pageUrl) : pageUrl;
      for (const ref of refs) {
        const label = `<${ref.tag} ${ref.attr}="${ref.value}">${ref.text ? ` (${JSON.stringify(ref.text)})` : ''}`;
        let url;
        try {
          url = new URL(ref.value, baseUrl);
        } catch {
          problems.push({ page: urlPath(f), message: `${label}: not a valid URL` });
          continue;
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') continue; // data:, mailto:, tel:
        if (url.origin !== origin) {
          external++;
          continue;
        }
        checked++;
        const target = resolveFile(dir, url.pathname);
        if (!target) {
          problems.push({ page: urlPath(f), message: `${label}: ${url.pathname} does not exist in the site` });
          continue;
        }
        const fragment = url.hash ? safeDecode(url.hash.slice(1)) : '';
        // An empty fragment, and "#top" with no such id, go to the top of the page (HTML spec).
        if (!fragment) continue;
        if (!target.endsWith('.html')) {
          problems.push({ page: urlPath(f), message: `${label}: #${fragment} points into ${target}, which is not a page` });
          continue;
        }
        if (!parsed.has(target)) parsed.set(target, await parse(page, fs.readFileSync(path.join(dir, target), 'utf8')));
        const { ids } = parsed.get(target);
        if (!ids.includes(fragment) && fragment.toLowerCase() !== 'top') {
          problems.push({ page: urlPath(f), message: `${label}: no element with id "${fragment}" on ${urlPath(target)}` });
        }
      }
    }
    return { problems, checked, external, pages: only ? only.size : files.length };
  } finally {
    await page.close();
  }
}

/** The site-relative file a URL path is served from, or null when there is none. */
function resolveFile(dir, pathname) {
  let rel = safeDecode(pathname).replace(/^\/+/, '');
  if (rel.split('/').includes('..')) return null;
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const abs = path.join(dir, rel);
  let st;
  try {
    st = fs.statSync(abs);
  } catch {
    return null;
  }
  if (st.isDirectory()) {
    // Static hosts (and serve.mjs) redirect /dir to /dir/.
    return fs.existsSync(path.join(abs, 'index.html')) ? `${rel}/index.html` : null;
  }
  return rel;
}

function safeDecode(s) {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
