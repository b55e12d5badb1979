// The Nu Html Checker on every .html page of the built site: no errors allowed.
// One test per page, so the summary says how many pages are valid.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import vnuJar from 'vnu-jar';
import { htmlPages, siteDir } from './site.mjs';

const dir = siteDir();
const pages = htmlPages(dir);

// One JVM for the whole site: starting Java once per page would cost a second each.
const run = spawnSync(
  'java',
  ['-jar', vnuJar, '--errors-only', '--skip-non-html', '--format', 'json', dir],
  { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
);

/** vnu's messages, or a description of why there are none to read. */
function parseReport() {
  if (run.error) return { failure: `could not start java: ${run.error.message}` };
  try {
    return { messages: JSON.parse(run.stderr).messages };
  } catch {
    return { failure: `vnu exited ${run.status} without a JSON report:\n${run.stdout}${run.stderr}` };
  }
}
const report = parseReport();

/** vnu names files as `file:/abs/path`; turn that into a site path. */
function sitePath(url) {
  const abs = fileURLToPath(url.replace(/^file:\/(?!\/)/, 'file:///'));
  return path.relative(dir, abs).split(path.sep).join('/');
}

const byPage = new Map(pages.map((rel) => [rel, []]));
const unattributed = [];
for (const m of report.messages ?? []) {
  const rel = m.url?.startsWith('file:') ? sitePath(m.url) : null;
  if (rel !== null && byPage.has(rel)) byPage.get(rel).push(m);
  else unattributed.push(m);
}

const describe = (m) =>
  `${m.url ?? '?'}:${m.lastLine ?? '?'}:${m.firstColumn ?? m.lastColumn ?? '?'}: ${m.type}: ${m.message}` +
  (m.extract ? `\n      ${JSON.stringify(m.extract)}` : '');

test('vnu ran and read the site', () => {
  assert.ok(!report.failure, report.failure);
  assert.ok(pages.length > 0, `no .html pages under ${dir}`);
  assert.deepEqual(unattributed.map(describe), [], 'messages about no page of the site');
});

for (const [rel, messages] of byPage) {
  test(`vnu: ${rel}`, () => {
    assert.ok(!report.failure, report.failure);
    assert.ok(
      messages.length === 0,
      `${messages.length} error(s) from the Nu Html Checker in ${rel}:\n  ${messages.map(describe).join('\n  ')}`,
    );
  });
}
