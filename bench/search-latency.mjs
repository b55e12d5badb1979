// Search latency in Chromium, from file://, on a built site.
//
// Usage: node bench/search-latency.mjs SITE_DIR [ROUNDS]
//
// For each language's search page: the time from navigation until the index
// is loaded and ready (search.js marks 'nashra-search-ready'), then for every query
// below, ROUNDS times (after one warm-up), the time to answer the `input`
// event the page listens to: fold, stem, look up, score, build snippets and
// the result list (synchronous, so measured around dispatchEvent; layout and
// paint come after and are not included). Prints one JSON object.

import { fileUrl, launchChromium } from '../tests/browser/site.mjs';

const [site, roundsArg] = process.argv.slice(2);
if (!site) {
  console.error('usage: node bench/search-latency.mjs SITE_DIR [ROUNDS]');
  process.exit(2);
}
const ROUNDS = Number(roundsArg ?? 10);

/** Typical queries: common words, a clitic, two words, a name, a word being typed. */
const QUERIES = {
  ar: ['سوريا', 'والتحالف', 'لداعش', 'الأمن العام', 'دمشق واشنطن', 'تنظيم الدول', 'عمليات'],
  en: ['syria', 'coalition', 'security forces', 'damascus', 'border crossings', 'detain', 'داعش'],
};

const browser = await launchChromium();
const report = { site, rounds: ROUNDS, languages: {} };
try {
  for (const lang of Object.keys(QUERIES)) {
    const page = await browser.context.newPage();
    await page.goto(fileUrl(site, `${lang}/search/index.html`), { waitUntil: 'load' });
    const loading = await page.getAttribute('#search', 'data-loading');
    await page.waitForFunction(
      (text) => window.NASHRA_SEARCH_INDEX && document.querySelector('#search-status').textContent !== text,
      loading,
      { timeout: 120000 },
    );
    const readyMs = await page.evaluate(() => performance.getEntriesByName('nashra-search-ready')[0].startTime);
    const queries = [];
    for (const q of QUERIES[lang]) {
      const sample = await page.evaluate(
        ([query, rounds]) => {
          const input = document.querySelector('#search-input');
          const run = () => {
            input.value = query;
            const t0 = performance.now();
            input.dispatchEvent(new Event('input'));
            return performance.now() - t0;
          };
          run(); // warm-up
          const times = [];
          for (let i = 0; i < rounds; i++) times.push(run());
          return { times, shown: document.querySelectorAll('#search-results > li').length,
                   status: document.querySelector('#search-status').textContent };
        },
        [q, ROUNDS],
      );
      sample.times.sort((a, b) => a - b);
      queries.push({ query: q, median_ms: sample.times[Math.floor(sample.times.length / 2)], max_ms: sample.times.at(-1),
                     shown: sample.shown, status: sample.status });
    }
    report.languages[lang] = { ready_ms: readyMs, queries };
    await page.close();
  }
} finally {
  await browser.close();
}
console.log(JSON.stringify(report, null, 2));
