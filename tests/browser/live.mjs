// The `live` group: `cxreport serve` as its user meets it, in Chromium. Starts the
// real binary on a copy of the plan (a free port), opens a page, then edits the
// plan on disk: the page must reload by itself and show the edit; a broken file
// must put the problems box over the page while the last good page stays (and the
// box must pass axe); the fix must take the box away. Ends with SIGINT, which must
// stop the server with status 0.

import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { openPage, runAxe, withTimeout } from './browser.mjs';

const STEP_TIMEOUT_MS = 20_000; // a rebuild of the example takes well under a second
const OLD = 'Automate the frequent questions on WhatsApp';
const NEW = 'Automate the top questions on WhatsApp';

/** Starts `bin serve` on `plan`; resolves to { child, origin, output() }. */
function start(bin, plan) {
  const child = spawn(bin, ['serve', '--root', plan, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr.on('data', (d) => (out += d));
  const origin = new Promise((resolve, reject) => {
    let first = '';
    child.stdout.on('data', (d) => {
      first += d;
      const m = first.match(/^Serving (http:\/\/127\.0\.0\.1:\d+)\//);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`cxreport serve exited with ${code} before serving:\n${out}`)));
  });
  return withTimeout(origin, STEP_TIMEOUT_MS, 'cxreport serve to start').then((o) => ({ child, origin: o, output: () => out }));
}

/** Runs the live checks; resolves to { problems, notes }. */
export async function checkLive(context, bin, plan) {
  const problems = [];
  const notes = [];
  const file = path.join(plan, 'data/initiatives.toml');
  const original = fs.readFileSync(file, 'utf8');
  if (!original.includes(OLD)) return { problems: [`${file} no longer has the title ${JSON.stringify(OLD)}`], notes };
  const server = await start(bin, plan);
  try {
    const { page, problems: loading } = await openPage(context, `${server.origin}/initiatives/`);
    // The event stream stays open by design, so "network still busy" is expected here.
    problems.push(...loading.filter((p) => !p.startsWith('network still busy')));
    // No wait for the event stream: an edit made before it connects must
    // reload the page all the same.

    const reloaded = page.waitForEvent('load', { timeout: STEP_TIMEOUT_MS });
    let started = Date.now();
    fs.writeFileSync(file, original.replace(OLD, NEW));
    await reloaded;
    notes.push(`the page reloaded ${Date.now() - started} ms after the edit`);
    if (!(await page.textContent('main')).includes(NEW)) problems.push('after the reload the page does not show the edited title');

    started = Date.now();
    fs.writeFileSync(file, original.replace(OLD, NEW).replace('impact = "high"', 'impact = "huge"'));
    const box = page.locator('#cxreport-problems');
    await box.waitFor({ state: 'visible', timeout: STEP_TIMEOUT_MS });
    notes.push(`the problems box showed ${Date.now() - started} ms after the broken edit`);
    const text = await box.textContent();
    if (!text.includes('data/initiatives.toml:11:10') || !text.includes('`huge` is not one of'))
      problems.push(`the problems box says ${JSON.stringify(text)}, not where and what the mistake is`);
    if (!(await page.textContent('main')).includes(NEW)) problems.push('with the problems shown, the last good page is gone');
    for (const v of await runAxe(page)) {
      if (['serious', 'critical'].includes(v.impact)) problems.push(`axe with the problems box: ${v.id} (${v.impact}): ${v.help}`);
    }

    fs.writeFileSync(file, original);
    await box.waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
    await page.waitForFunction((old) => document.querySelector('main')?.textContent.includes(old), OLD, { timeout: STEP_TIMEOUT_MS });
    await page.close();
  } catch (e) {
    problems.push(String(e.message).split('\n')[0]);
  } finally {
    fs.writeFileSync(file, original);
    const exited = new Promise((resolve) => server.child.on('exit', (code, signal) => resolve(code ?? signal)));
    server.child.kill('SIGINT');
    const code = await withTimeout(exited, STEP_TIMEOUT_MS, 'cxreport serve to stop').catch((e) => {
      server.child.kill('SIGKILL');
      return e.message;
    });
    if (code !== 0) problems.push(`cxreport serve stopped with ${code} after SIGINT:\n${server.output()}`);
  }
  return { problems, notes };
}
