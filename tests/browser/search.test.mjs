// Search: search.js agrees with the Rust index builder on every shared
// normalization vector (in Node and in Chromium), and on the built site, from
// file://, a reader finds what they type: an Arabic word with a clitic and
// without diacritics, an English word from an English summary.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { after, before, test } from 'node:test';
import { fileUrl, launchChromium, siteDir } from './site.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { vectors } = JSON.parse(readFileSync(path.join(repo, 'tests/fixtures/search/vectors.json'), 'utf8'));
const source = readFileSync(path.join(repo, 'themes/default/static/search.js'), 'utf8');

/** search.js loaded in a bare context (no document: it only defines NashraSearch). */
function loadInNode() {
  const context = vm.createContext({});
  vm.runInContext(source, context);
  return context.NashraSearch;
}

/** The vectors `api` gets wrong, as readable lines. */
function disagreements(api, list) {
  return list
    .map((v) => ({ v, fold: api.fold(v.input), terms: api.terms(v.input) }))
    .filter(({ v, fold, terms }) => fold !== v.fold || JSON.stringify(terms) !== JSON.stringify(v.terms))
    .map(({ v, fold, terms }) => `${JSON.stringify(v.input)} (${v.note}): fold ${JSON.stringify(fold)}, terms ${JSON.stringify(terms)}`);
}

test('search.js folds and stems every shared vector as the Rust side does (Node)', () => {
  assert.ok(vectors.length >= 20);
  const wrong = disagreements(loadInNode(), vectors);
  assert.ok(wrong.length === 0, `vectors that disagree:\n  ${wrong.join('\n  ')}`);
});

const dir = siteDir();
let browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

/** Opens a language's search page from file://; collects script errors and failed loads. */
async function openSearch(lang) {
  const page = await browser.context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`failed to load ${r.url()}: ${r.failure()?.errorText}`));
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) problems.push(`request off the machine: ${r.url()}`);
  });
  await page.goto(fileUrl(dir, `${lang}/search/index.html`), { waitUntil: 'load' });
  return { page, problems };
}

/** Types a query and waits for results: see `shownResults`. */
async function query(page, text) {
  await page.fill('#search-input', '');
  await page.locator('#search-input').pressSequentially(text);
  await page.waitForFunction(() => document.querySelector('#search-status').textContent !== '');
  return shownResults(page);
}

/** The results shown: [{ href, title, titleLang, kind, snippet, snippetLang, snippetDir, marks }]. */
function shownResults(page) {
  return page.$$eval('#search-results > li', (items) =>
    items.map((li) => {
      const title = li.querySelector('a > span');
      const snippet = li.querySelector('.snippet');
      return {
        href: li.querySelector('a').getAttribute('href'),
        title: title.textContent,
        titleLang: title.getAttribute('lang'),
        kind: li.querySelector('.kind').textContent,
        snippet: snippet?.textContent ?? '',
        snippetLang: snippet?.getAttribute('lang') ?? null,
        snippetDir: snippet?.getAttribute('dir') ?? null,
        marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
      };
    }),
  );
}

test('search.js agrees with the vectors in Chromium too', async () => {
  const { page } = await openSearch('ar');
  try {
    const wrong = await page.evaluate(
      ([list, body]) => {
        // The same comparison as in Node, run on Chromium's Unicode tables.
        const check = new Function('api', 'list', `return (${body})(api, list);`);
        return check(window.NashraSearch, list);
      },
      [vectors, disagreements.toString()],
    );
    assert.ok(wrong.length === 0, `vectors that disagree in Chromium:\n  ${wrong.join('\n  ')}`);
  } finally {
    await page.close();
  }
});

test('only the search page loads an index, and only its own language', () => {
  const assets = readdirSync(path.join(dir, 'assets'));
  const indexes = assets.filter((n) => /^search-[a-z]+\.[0-9a-f]+\.js$/.test(n));
  assert.deepEqual(indexes.map((n) => n.split('.')[0]).sort(), ['search-ar', 'search-en']);
  for (const rel of ['ar/index.html', 'en/articles/index.html', 'en/search/index.html']) {
    const html = readFileSync(path.join(dir, rel), 'utf8');
    for (const name of indexes) assert.ok(!html.includes(`src="../../assets/${name}`), `${rel} loads ${name} itself`);
  }
  const ar = readFileSync(path.join(dir, 'ar/search/index.html'), 'utf8');
  assert.match(ar, /data-index="\.\.\/\.\.\/assets\/search-ar\.[0-9a-f]+\.js"/);
});

test('Arabic: a name with a clitic and no diacritics finds its article first', async () => {
  const { page, problems } = await openSearch('ar');
  try {
    assert.equal(await page.isVisible('#search-needs-js'), false, 'the no-JavaScript message is hidden');
    // «لكمين تدمر» (to the Palmyra ambush): ل stuck to «كمين», typed without diacritics.
    const results = await query(page, 'لكمين تدمر');
    assert.ok(results.length > 0, 'no result for لكمين تدمر');
    assert.match(results[0].href, /^\.\.\/\.\.\/ar\/articles\/palmyra-ambush-us-syria-cooperation\/index\.html/);
    assert.equal(results[0].kind, 'مقال');
    assert.ok(results[0].marks.some((m) => m.includes('كمين')), `«كمين» is marked: ${JSON.stringify(results[0].marks)}`);
    assert.equal(results[0].titleLang, null, 'an Arabic title on the Arabic page needs no lang');

    // «للتحالف» (to the coalition): «لل» + تحالف; written with a diacritic in the text, typed without.
    const coalition = await query(page, 'للتحالف');
    assert.ok(coalition.length > 0);
    assert.ok(coalition.some((r) => r.href.includes('entities/anti-isis-coalition/')), 'the coalition entity is found');
    assert.ok(coalition.every((r) => r.marks.length > 0), 'every result marks its match');

    // Long result lists come a page at a time.
    const many = await query(page, 'لداعش');
    const total = Number((await page.textContent('#search-status')).match(/\d+/)[0]);
    assert.ok(total > many.length && many.length === 20, `${many.length} of ${total} shown first`);
    await page.click('#search-more');
    assert.equal(await page.locator('#search-results > li').count(), Math.min(total, 40));
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('English: a word from an English summary finds the article, marked, in English', async () => {
  const { page, problems } = await openSearch('en');
  try {
    // "financing networks" appears in the English summary of the CENTCOM article only.
    const results = await query(page, 'financing networks');
    assert.ok(results.length > 0, 'no result for "financing networks"');
    const first = results[0];
    assert.match(first.href, /articles\/centcom-damascus-partnership\/index\.html$/);
    assert.equal(first.kind, 'Article');
    assert.match(first.snippet, /financing networks/);
    assert.deepEqual(first.marks.slice(0, 2), ['financing', 'networks']);
    assert.equal(first.snippetLang, null, 'an English snippet on the English page needs no lang');

    // Arabic original text found from the English page is marked as Arabic, right to left
    // (its snippet comes from a text shard, loaded after the results show).
    await query(page, 'داعش');
    await page.waitForSelector('#search-results .snippet[lang="ar"]');
    const arabic = await shownResults(page);
    const fromBody = arabic.find((r) => r.snippetLang === 'ar');
    assert.ok(fromBody, `an Arabic snippet: ${JSON.stringify(arabic.slice(0, 3))}`);
    assert.equal(fromBody.snippetDir, 'rtl');
    assert.ok(fromBody.href.includes('#p'), 'a match in the original text links to its passage');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
