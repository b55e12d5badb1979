// What the browser checks share: where the built site is, which pages stand
// for each page type, which language a page is in, and how to start Chromium.

import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/** Text direction of each language the site is built in. */
export const DIRECTIONS = { ar: 'rtl', en: 'ltr' };

/** The default language (the first in content/site.yaml): pages outside a language folder use it. */
export const DEFAULT_LANG = 'ar';

/** The built site to check: `NASHRA_SITE`, set by scripts/test. */
export function siteDir() {
  const dir = process.env.NASHRA_SITE;
  if (!dir || !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`NASHRA_SITE must name a built site folder (got ${JSON.stringify(dir)}); scripts/test sets it`);
  }
  return path.resolve(dir);
}

/** Every .html file under `dir`, as sorted site paths with '/' separators. */
export function htmlPages(dir) {
  const pages = [];
  const walk = (rel) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.name.endsWith('.html')) pages.push(child);
    }
  };
  walk('');
  return pages.sort();
}

/** The language a site path is in: its first folder, or the default language. */
export function pageLang(rel) {
  const first = rel.split('/')[0];
  return Object.hasOwn(DIRECTIONS, first) ? first : DEFAULT_LANG;
}

/**
 * The page type of a site path: the path with every slug replaced by `*`, so
 * `en/articles/some-slug/index.html` → `en/articles/*\/index.html`. Slugs are the
 * folders below a section (`<lang>/<section>/<slug>/…`, or `<section>/<slug>/…`
 * outside a language folder).
 */
export function pageType(rel) {
  const parts = rel.split('/');
  const keep = Object.hasOwn(DIRECTIONS, parts[0]) ? 2 : 1;
  return parts.map((p, i) => (i >= keep && i < parts.length - 1 ? '*' : p)).join('/');
}

/** One page per page type and language (the first in path order): `[{ type, rel, lang }]`. */
export function samplePages(dir) {
  const byType = new Map();
  for (const rel of htmlPages(dir)) {
    const type = pageType(rel);
    if (!byType.has(type)) byType.set(type, { type, rel, lang: pageLang(rel) });
  }
  return [...byType.values()];
}

/** The file:// URL of a site path. */
export function fileUrl(dir, rel) {
  return pathToFileURL(path.join(dir, rel)).href;
}

/** Debian's Chromium: scripts/test installs it; Playwright's own browser downloads can't work here. */
export const CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless, root, offline Chromium that never calls home. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Starts Chromium with a fresh, empty profile. Returns `{ context, close }`;
 * `close` stops the browser and removes the profile.
 */
export async function launchChromium() {
  if (!statSync(CHROMIUM, { throwIfNoEntry: false })) {
    throw new Error(`${CHROMIUM} is missing: scripts/test installs Debian's chromium package`);
  }
  const profile = mkdtempSync(path.join(tmpdir(), 'nashra-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
