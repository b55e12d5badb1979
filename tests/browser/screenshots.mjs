// Full-page PNG screenshots of one page of every page type in each language,
// at desktop (1280 px) and phone (390 px) widths, for people to look at.
// Not part of the test suite.
//
//   cargo run --release -- build --out /tmp/nashra-site
//   cd tests/browser && npm ci
//   node screenshots.mjs /tmp/nashra-site /tmp/nashra-shots
//
// Names read `<site path with / as _>-<width>.png`, e.g. `en_articles_<slug>_index-390.png`.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileUrl, launchChromium, samplePages } from './site.mjs';

const WIDTHS = [1280, 390];

const [siteArg, outArg] = process.argv.slice(2);
if (!siteArg || !outArg) {
  console.error('usage: node screenshots.mjs SITE_DIR OUT_DIR');
  process.exit(2);
}
const site = path.resolve(siteArg);
const out = path.resolve(outArg);
mkdirSync(out, { recursive: true });

const browser = await launchChromium();
try {
  const page = await browser.context.newPage();
  for (const { rel } of samplePages(site)) {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(fileUrl(site, rel), { waitUntil: 'load' });
      await page.evaluate(() => document.fonts.ready);
      const file = path.join(out, `${rel.replace(/\.html$/, '').replaceAll('/', '_')}-${width}.png`);
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
    }
  }
} finally {
  await browser.close();
}
