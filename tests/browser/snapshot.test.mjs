// Editions in a browser, from file://: the live site's editions page leads
// into an edition; an edition's banner leads back to the latest briefing; and
// an edition copied anywhere else still works, every link inside it resolving
// inside the copy (the "latest briefing" link is the one that leaves it).
//
// NASHRA_SNAPSHOT_SITE (set by scripts/test) names a built live site whose
// snapshots/ folder holds at least one edition.

import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import axe from 'axe-core';
import { DIRECTIONS, launchChromium, pageLang } from './site.mjs';

const site = process.env.NASHRA_SNAPSHOT_SITE;
if (!site || !statSync(site, { throwIfNoEntry: false })?.isDirectory()) {
  throw new Error(`NASHRA_SNAPSHOT_SITE must name a built site with editions (got ${JSON.stringify(site)})`);
}
const label = readdirSync(path.join(site, 'snapshots'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && !e.name.startsWith('.') && existsSync(path.join(site, 'snapshots', e.name, 'snapshot.json')))
  .map((e) => e.name)
  .sort()[0];
if (!label) throw new Error(`no edition in ${site}/snapshots`);
const edition = path.join(site, 'snapshots', label);

let browser;
let copyParent;
before(async () => {
  browser = await launchChromium();
  copyParent = mkdtempSync(path.join(tmpdir(), 'nashra-edition-copy-'));
});
after(async () => {
  await browser?.close();
  if (copyParent) rmSync(copyParent, { recursive: true, force: true });
});

/** Opens a file:// URL; collects failed loads and script errors meanwhile. */
async function open(url) {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed to load ${r.url()}: ${r.failure()?.errorText}`));
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

const fileUrl = (dir, rel) => pathToFileURL(path.join(dir, rel)).href;

test('the live editions page leads into the edition', async () => {
  const { page, problems } = await open(fileUrl(site, 'en/editions/index.html'));
  try {
    await page.click(`.editions a[href*="snapshots/${label}/en/index.html"]`);
    await page.waitForLoadState('load');
    assert.equal(fileURLToPath(page.url()), path.join(edition, 'en/index.html'));
    const banner = page.locator('.edition-banner');
    assert.match(await banner.innerText(), /^Edition of /);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test("an edition's banner leads back to the latest briefing in its language", async () => {
  for (const lang of Object.keys(DIRECTIONS)) {
    const { page, problems } = await open(fileUrl(edition, `${lang}/topics/index.html`));
    try {
      await page.click('.edition-banner a.latest');
      await page.waitForLoadState('load');
      assert.equal(fileURLToPath(page.url()), path.join(site, lang, 'index.html'));
      assert.equal(await page.locator('.edition-banner').count(), 0, 'the live site has no edition banner');
      assert.deepEqual(problems, []);
    } finally {
      await page.close();
    }
  }
});

// Opened: index.html, the homes it links to, and every page of their
// navigation (each section index); the links of all of these are checked to
// exist in the copy. tests/site_quality.rs checks
// every link of every page of an edition on the files alone.
test('a copied edition works on its own: every link inside resolves inside the copy', async () => {
  const copy = path.join(copyParent, 'somewhere', 'else');
  cpSync(edition, copy, { recursive: true });
  const root = pathToFileURL(copy + path.sep).href;
  const queue = [{ url: fileUrl(copy, 'index.html'), depth: 0 }];
  const seen = new Set();
  const problems = [];
  while (queue.length > 0) {
    const { url, depth } = queue.shift();
    if (seen.has(url)) continue;
    seen.add(url);
    const rel = fileURLToPath(url).slice(copy.length + 1).split(path.sep).join('/');
    const opened = await open(url);
    try {
      problems.push(...opened.problems.map((p) => `${rel}: ${p}`));
      const lang = await opened.page.evaluate(() => document.documentElement.lang);
      if (lang !== pageLang(rel)) problems.push(`${rel}: <html lang="${lang}">, expected ${pageLang(rel)}`);
      if ((await opened.page.locator('.edition-banner').count()) !== 1) problems.push(`${rel}: no edition banner`);
      const links = await opened.page.$$eval('a[href]', (as) =>
        as.map((a) => ({ href: a.href, latest: a.classList.contains('latest'), nav: a.closest('nav') !== null })),
      );
      for (const { href, latest, nav } of links) {
        const target = href.split('#')[0];
        if (!target.startsWith('file:')) continue; // links to sources on the web
        if (latest) {
          if (target.startsWith(root)) problems.push(`${rel}: the latest-briefing link stays inside the edition`);
          continue;
        }
        if (!target.startsWith(root)) problems.push(`${rel}: ${href} leaves the edition`);
        else if (!existsSync(fileURLToPath(target))) problems.push(`${rel}: ${href} is missing from the copy`);
        else if ((depth === 0 || (depth === 1 && nav)) && target.endsWith('.html') && !seen.has(target)) {
          queue.push({ url: target, depth: depth + 1 });
        }
      }
    } finally {
      await opened.page.close();
    }
  }
  assert.ok(seen.size > 10, `only ${seen.size} pages reached`);
  assert.ok(problems.length === 0, `${problems.length} problem(s):\n  ${problems.slice(0, 30).join('\n  ')}`);
});

test('the change page and the banner pass axe-core in both languages', async () => {
  for (const lang of Object.keys(DIRECTIONS)) {
    const { page } = await open(fileUrl(edition, `${lang}/changes/index.html`));
    try {
      assert.equal(await page.evaluate(() => document.documentElement.dir), DIRECTIONS[lang]);
      await page.addScriptTag({ content: axe.source });
      const { violations } = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
      const lines = violations.flatMap((v) => [`${v.id}: ${v.help}`, ...v.nodes.map((n) => `    ${n.html.slice(0, 160)}`)]);
      assert.ok(violations.length === 0, `axe on ${lang}/changes/index.html:\n  ${lines.join('\n  ')}`);
    } finally {
      await page.close();
    }
  }
});
