// The W3C Nu HTML checker over built sites: `java -jar vnu.jar --errors-only
// --skip-non-html --format json <dirs or files>` from the npm package vnu-jar (its
// postinstall, which downloads a Java, is skipped by .npmrc: the machine's Java 17
// runs it). One JVM checks every site at once; each error comes back with its
// file, line, column, message and the markup around it.

import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const VNU_JAR = path.join(path.dirname(require.resolve('vnu-jar/package.json')), 'build', 'dist', 'vnu.jar');
const VNU_TIMEOUT_MS = 300_000;

/**
 * Checks `targets` (directories or .html files). Resolves to
 * [{ file (absolute), line, column, message, extract }].
 */
export function checkHtml(targets) {
  const args = ['-jar', VNU_JAR, '--errors-only', '--skip-non-html', '--no-langdetect', '--format', 'json', '--stdout', ...targets];
  return new Promise((resolve, reject) => {
    const child = spawn(process.env.JAVA || 'java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vnu.jar took longer than ${VNU_TIMEOUT_MS / 1000} s`));
    }, VNU_TIMEOUT_MS);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`could not run java (${e.message}); install default-jre-headless`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      let report;
      try {
        report = JSON.parse(out);
      } catch {
        return reject(new Error(`vnu.jar exited ${code} without a JSON report: ${(err || out).trim().slice(0, 500)}`));
      }
      const messages = (report.messages || []).filter((m) => m.type === 'error' || m.type === 'non-document-error');
      resolve(
        messages.map((m) => ({
          file: m.url && m.url.startsWith('file:') ? fileURLToPath(m.url) : m.url || '(unknown file)',
          line: m.lastLine ?? m.firstLine ?? 0,
          column: m.firstColumn ?? m.lastColumn ?? 0,
          message: m.message,
          extract: (m.extract || '').replace(/\s+/g, ' ').trim(),
        })),
      );
    });
  });
}
