// What only a browser can show, on one page of every page type in each
// language, loaded from file:// in Chromium: axe-core finds no accessibility
// violation; <html lang dir> match the page's language; Arabic text on English
// pages is marked lang="ar"; nothing scrolls sideways on a 360 px wide phone;
// no script fails.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import axe from 'axe-core';
import { DIRECTIONS, fileUrl, launchChromium, samplePages, siteDir } from './site.mjs';

const dir = siteDir();
const samples = samplePages(dir);

let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

test('the site has the landing page and a home page per language', () => {
  const rels = new Set(samples.map((s) => s.rel));
  for (const rel of ['index.html', ...Object.keys(DIRECTIONS).map((l) => `${l}/index.html`)]) {
    assert.ok(rels.has(rel), `${rel} is missing from ${dir}`);
  }
});

test('every page type exists in every language', () => {
  const types = new Set(samples.map((s) => s.type));
  const missing = [];
  for (const { type, lang } of samples) {
    if (!type.startsWith(`${lang}/`)) continue; // outside a language folder
    for (const other of Object.keys(DIRECTIONS)) {
      const counterpart = other + type.slice(lang.length);
      if (!types.has(counterpart)) missing.push(`${counterpart} (there is ${type})`);
    }
  }
  assert.ok(missing.length === 0, `page types missing in a language:\n  ${missing.join('\n  ')}`);
});

/** Opens a site page at a viewport width; collects script errors and failed loads meanwhile. */
async function open(rel, width) {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed to load ${r.url()}: ${r.failure()?.errorText}`));
  await page.setViewportSize({ width, height: 800 });
  await page.goto(fileUrl(dir, rel), { waitUntil: 'load' });
  await page.evaluate(() => document.fonts.ready);
  return { page, problems };
}

// Runs in the page: a short CSS path that names an element in a report.
const CSS_PATH = `(el) => {
  const parts = [];
  for (; el && el.nodeType === 1 && parts.length < 5; el = el.parentElement) {
    let part = el.localName;
    if (el.id) { parts.unshift(part + '#' + el.id); break; }
    if (el.classList.length) part += '.' + [...el.classList].join('.');
    parts.unshift(part);
  }
  return parts.join(' > ');
}`;

for (const { type, rel, lang } of samples) {
  test(`${rel} (${type})`, async (t) => {
    const desktop = await open(rel, 1280);
    const { page } = desktop;
    try {
      // Before axe runs: axe itself fetches the stylesheets, which file:// refuses.
      await t.test('no script error or failed load', () => {
        assert.ok(desktop.problems.length === 0, `while loading ${rel}:\n  ${desktop.problems.join('\n  ')}`);
      });

      await t.test('axe-core finds no violation', async () => {
        await page.addScriptTag({ content: axe.source });
        const { violations } = await page.evaluate(() =>
          window.axe.run(document, { resultTypes: ['violations'] }),
        );
        const lines = violations.flatMap((v) => [
          `${v.id} (${v.impact}): ${v.help} [${v.helpUrl}]`,
          ...v.nodes.map((n) => `    ${n.target.join(' ')}  ${n.html.slice(0, 160)}`),
        ]);
        assert.ok(violations.length === 0, `${violations.length} axe violation(s) on ${rel}:\n  ${lines.join('\n  ')}`);
      });

      await t.test(`<html> has lang="${lang}" dir="${DIRECTIONS[lang]}"`, async () => {
        const html = await page.evaluate(() => ({
          lang: document.documentElement.getAttribute('lang'),
          dir: document.documentElement.getAttribute('dir'),
        }));
        assert.deepEqual(html, { lang, dir: DIRECTIONS[lang] });
      });

      if (lang === 'en') {
        await t.test('Arabic text sits inside lang="ar"', async () => {
          const unmarked = await page.evaluate((cssPathSource) => {
            const cssPath = eval(cssPathSource);
            const arabic = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
            const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
            const found = [];
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const parent = node.parentElement;
              if (!arabic.test(node.data) || !parent || parent.closest('script, style, template')) continue;
              const owner = parent.closest('[lang]');
              const ownerLang = owner?.getAttribute('lang') ?? null;
              if (ownerLang?.toLowerCase().split('-')[0] !== 'ar') {
                found.push(`${cssPath(parent)} (closest lang=${JSON.stringify(ownerLang)}): ${JSON.stringify(node.data.trim().slice(0, 80))}`);
              }
            }
            return found;
          }, CSS_PATH);
          assert.ok(
            unmarked.length === 0,
            `${unmarked.length} Arabic text node(s) without a lang="ar" ancestor on ${rel}:\n  ${unmarked.join('\n  ')}`,
          );
        });
      }

    } finally {
      await page.close();
    }

    await t.test('no horizontal scroll at 360 px', async () => {
      const phone = await open(rel, 360);
      try {
        const result = await phone.page.evaluate((cssPathSource) => {
          const cssPath = eval(cssPathSource);
          const { scrollWidth, clientWidth } = document.scrollingElement;
          // The elements that stick out, to say where to look.
          const wide = [];
          for (const el of document.body.querySelectorAll('*')) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && (r.right > clientWidth + 0.5 || r.left < -0.5)) {
              wide.push(`${cssPath(el)} spans x ${Math.round(r.left)}..${Math.round(r.right)}`);
            }
          }
          return { scrollWidth, clientWidth, wide: wide.slice(0, 8) };
        }, CSS_PATH);
        assert.ok(
          result.scrollWidth <= result.clientWidth,
          `${rel} scrolls sideways at 360 px: scrollWidth ${result.scrollWidth} > clientWidth ${result.clientWidth}\n  ${result.wide.join('\n  ')}`,
        );
      } finally {
        await phone.page.close();
      }
    });
  });
}
