// `nashra serve` in a real browser: an open article picks up edits without
// being touched; a broken YAML file shows the diagnostics overlay, fixing it
// removes it; a stylesheet edit applies without a reload.
//
// Runs the release binary (NASHRA_BIN, default target/release/nashra) on a
// copy of the bundled briefing in a temporary folder.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { launchChromium } from './site.mjs';

const repo = path.resolve(import.meta.dirname, '../..');
const bin = process.env.NASHRA_BIN ?? path.join(repo, 'target/release/nashra');
const project = mkdtempSync(path.join(tmpdir(), 'nashra-serve-'));
cpSync(path.join(repo, 'content'), path.join(project, 'content'), { recursive: true });
cpSync(path.join(repo, 'seeds'), path.join(project, 'seeds'), { recursive: true });
const slug = readdirSync(path.join(project, 'content/articles')).sort()[0].replace(/\.yaml$/, '');
const article = path.join(project, 'content/articles', `${slug}.yaml`);
const original = readFileSync(article, 'utf8');
const style = path.join(project, 'themes/default/static/style.css');
mkdirSync(path.dirname(style), { recursive: true });
writeFileSync(style, readFileSync(path.join(repo, 'themes/default/static/style.css'), 'utf8'));

let server;
let url;
let browser;
let page;

before(async () => {
  server = spawn(bin, ['--project', project, 'serve', '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  url = await new Promise((resolve, reject) => {
    let seen = '';
    server.stderr.on('data', (chunk) => {
      seen += chunk;
      const m = seen.match(/serving (http:\/\/\S+)/);
      if (m) resolve(m[1]);
    });
    server.on('exit', (code) => reject(new Error(`nashra serve exited (${code}): ${seen}`)));
  });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(`${url}en/articles/${slug}/index.html`);
});

after(async () => {
  await browser?.close();
  server?.kill('SIGINT');
  rmSync(project, { recursive: true, force: true });
});

test('a title edited in the YAML appears in the open tab, in place, scroll kept', async () => {
  await page.evaluate(() => { window.scrollTo(0, 400); window.nashraSamePage = true; });
  const edited = original.replace(/^(\s*en:\s*)"([^"]*)"/m, '$1"Live edit works"');
  assert.notEqual(edited, original, 'the first en: line of the article is its English title');
  writeFileSync(article, edited);
  await page.waitForFunction(() => document.querySelector('h1')?.textContent.includes('Live edit works'), null, { timeout: 15000 });
  await page.waitForFunction(() => window.scrollY > 0, null, { timeout: 5000 });
  assert.equal(await page.evaluate(() => window.nashraSamePage), true, 'the page was updated in place, not reloaded');
  assert.equal(await page.locator('#nashra-errors').count(), 0);
  assert.equal(await page.locator('script:not([src])').count(), 1, 'the old body, with its script, was replaced');
});

test('a YAML error shows the overlay, and fixing it removes it', async () => {
  writeFileSync(article, `${original}\ntopics: [unclosed\n`);
  const overlay = page.locator('#nashra-errors');
  await overlay.waitFor({ state: 'visible', timeout: 15000 });
  const text = await overlay.textContent();
  assert.match(text, new RegExp(`content/articles/${slug}\\.yaml:\\d+:\\d+: error`));
  assert.equal(await overlay.getAttribute('lang'), 'en');
  writeFileSync(article, original);
  await overlay.waitFor({ state: 'detached', timeout: 15000 });
});

test('a stylesheet edit applies without reloading the page', async () => {
  await page.evaluate(() => { window.nashraMarker = 'still here'; });
  writeFileSync(style, `${readFileSync(style, 'utf8')}\nbody { outline: 3px solid rgb(1, 2, 3); }\n`);
  await page.waitForFunction(() => getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)', null, { timeout: 15000 });
  assert.equal(await page.evaluate(() => window.nashraMarker), 'still here', 'no reload happened');
});
