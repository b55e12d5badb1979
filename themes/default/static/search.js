/*
 * nashra search: runs in the reader's browser, from file:// as well as a server.
 *
 * The page names its language's index script in data-index; this file adds
 * it as a <script> (no fetch, no WebAssembly, so file:// works), and the
 * index sets window.NASHRA_SEARCH_INDEX (layout: src/search/index.rs). An
 * article's original text is kept apart, in text shards that set
 * window.NASHRA_SEARCH_TEXT[k]; a shard is loaded the same way, and only
 * when a shown result needs a snippet from it.
 *
 * A query is turned into terms by the same steps the index was built with:
 * fold (src/text.rs), split into words, stem (src/search/terms.rs). The
 * two sides agree on tests/fixtures/search/vectors.json; change them together.
 *
 * Everything shown is inserted with DOM calls and textContent, never innerHTML.
 */
(function (global) {
  'use strict';

  // --- Folding: mirrors `fold_with_map` in src/text.rs ----------------------

  /** Harakat, tanween, shadda, sukun, Quranic marks and dagger alef. */
  function isDiacritic(cp) {
    return (cp >= 0x064b && cp <= 0x065f) || cp === 0x0670;
  }

  /** Bidi controls, zero-width characters, the byte-order mark. */
  function isInvisible(cp) {
    return (
      (cp >= 0x200b && cp <= 0x200f) ||
      (cp >= 0x202a && cp <= 0x202e) ||
      (cp >= 0x2066 && cp <= 0x2069) ||
      cp === 0xfeff ||
      cp === 0x061c
    );
  }

  const WHITE_SPACE = /^\p{White_Space}$/u;
  const ALEFS = new Set(['أ', 'إ', 'آ', 'ٱ']);

  /** One character after NFKC → its folded form, or null to drop it. */
  function foldChar(c) {
    const cp = c.codePointAt(0);
    if (isDiacritic(cp) || cp === 0x0640 || isInvisible(cp)) return null;
    if (ALEFS.has(c)) return 'ا';
    if (c === 'ى') return 'ي';
    if (c === 'ة') return 'ه';
    if (cp >= 0x0660 && cp <= 0x0669) return String.fromCharCode(48 + cp - 0x0660); // Arabic-Indic digits
    if (cp >= 0x06f0 && cp <= 0x06f9) return String.fromCharCode(48 + cp - 0x06f0); // Persian digits
    if (WHITE_SPACE.test(c)) return ' ';
    return c;
  }

  /** Code point → its folded form ('' when dropped): pages fold the same few characters over and over. */
  const foldCache = new Map();

  /** One source code point folded: NFKC on its own, as the Rust side does, then foldChar and lower case. */
  function foldCodePoint(cp) {
    let out = foldCache.get(cp);
    if (out === undefined) {
      out = '';
      for (const n of String.fromCodePoint(cp).normalize('NFKC')) {
        const f = foldChar(n);
        if (f !== null) out += f.toLowerCase();
      }
      foldCache.set(cp, out);
    }
    return out;
  }

  /**
   * Folds `s`; `map[i]` is the index in `s` of the character that gave the
   * folded text's code unit i, plus a last entry for `s.length`.
   */
  function foldWithMap(s) {
    const units = [];
    const map = [];
    let lastSpace = true; // trims leading whitespace
    for (let at = 0; at < s.length; ) {
      const cp = s.codePointAt(at);
      const out = foldCodePoint(cp);
      for (let k = 0; k < out.length; k++) {
        if (out[k] === ' ') {
          if (lastSpace) continue;
          lastSpace = true;
        } else {
          lastSpace = false;
        }
        units.push(out[k]);
        map.push(at);
      }
      at += cp > 0xffff ? 2 : 1;
    }
    if (units.at(-1) === ' ') {
      units.pop();
      map.pop();
    }
    map.push(s.length);
    return { text: units.join(''), map };
  }

  /** The search normalization of src/text.rs `fold`. */
  function fold(s) {
    return foldWithMap(s).text;
  }

  // --- Terms: mirrors src/search/terms.rs ------------------------------------

  const MIN_CHARS = 2;
  const ARTICLES = ['وال', 'فال', 'بال', 'كال', 'ولل', 'فلل', 'ال', 'لل'];
  const CLITICS = ['و', 'ف', 'ب', 'ل', 'ك'];
  const SUFFIXES = ['ها', 'ان', 'ات', 'ون', 'ين', 'يه', 'ه', 'ي'];
  const ARABIC_WORD = /^[\u0621-\u063a\u0641-\u064a]+$/;
  const ENGLISH_WORD = /^[a-z]+$/;
  const WORD = /[\p{Alphabetic}\p{N}]+/gu;

  const length = (s) => [...s].length;

  /** One Arabic suffix off, when at least three letters remain. */
  function stripSuffix(word) {
    const suffix = SUFFIXES.find((s) => word.endsWith(s) && length(word) - length(s) >= 3);
    return suffix ? word.slice(0, word.length - suffix.length) : word;
  }

  /** Light English stemmer: plurals, then -ing and -ed, then a final e. */
  function stemEnglish(word) {
    let w = word;
    if (w.endsWith('ies') && w.length - 3 >= 2) {
      w = w.slice(0, -3) + 'y';
    } else if (w.endsWith('sses')) {
      w = w.slice(0, -2);
    } else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is') && w.length > 3) {
      w = w.slice(0, -1);
    }
    for (const suffix of ['ing', 'ed']) {
      if (w.endsWith(suffix) && w.length - suffix.length >= 3) {
        w = w.slice(0, -suffix.length);
        break;
      }
    }
    if (w.endsWith('e') && w.length - 1 >= 3) w = w.slice(0, -1);
    return w;
  }

  /**
   * The terms one folded word stands for: none when too short, usually one,
   * and for an Arabic word starting with a letter that may be a clitic
   * (without the article) the stem with that letter and the stem without it.
   */
  function stems(word) {
    if (length(word) < MIN_CHARS) return [];
    if (ARABIC_WORD.test(word)) {
      const article = ARTICLES.find((a) => word.startsWith(a) && length(word) - length(a) >= 2);
      if (article) return [stripSuffix(word.slice(article.length))];
      const out = [stripSuffix(word)];
      if (CLITICS.some((c) => word.startsWith(c)) && length(word) - 1 >= 3) out.push(stripSuffix(word.slice(1)));
      return out;
    }
    if (ENGLISH_WORD.test(word)) return [stemEnglish(word)];
    return [word];
  }

  /** The words of folded text with their positions: [{ word, start, end }]. */
  function words(folded) {
    return [...folded.matchAll(WORD)].map((m) => ({ word: m[0], start: m.index, end: m.index + m[0].length }));
  }

  /** The search terms of a text, in order: every word's stems in turn. */
  function terms(text) {
    return words(fold(text)).flatMap((w) => stems(w.word));
  }

  // --- Querying the index ----------------------------------------------------

  /** Most terms a word still being typed may stand for. */
  const MAX_EXPANSIONS = 50;
  /** A term reached by completing a prefix counts less than one typed in full. */
  const PREFIX_FACTOR = 0.7;

  /** A searcher over one loaded index (the object the index script sets). */
  function createSearcher(index) {
    const ids = new Map(index.terms.map((t, i) => [t, i]));
    const docCount = index.docs.length;

    /** Positions of the terms that start with `prefix` (the list is sorted). */
    function completions(prefix) {
      let lo = 0;
      let hi = index.terms.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (index.terms[mid] < prefix) lo = mid + 1;
        else hi = mid;
      }
      const found = [];
      for (let i = lo; i < index.terms.length && found.length < MAX_EXPANSIONS; i++) {
        if (!index.terms[i].startsWith(prefix)) break;
        found.push(i);
      }
      return found;
    }

    /**
     * Documents that match every word of the query, best first:
     * [{ doc, score }], and `terms`: every index term that matched → the query word (0, 1, …) it stands for.
     * The last word, while still being typed, also matches longer terms.
     */
    function search(query, { complete = true } = {}) {
      const queryWords = words(fold(query));
      const typing = complete && queryWords.length > 0 && !/[\s\p{P}]$/u.test(query);
      const matched = new Map();
      // Scores by doc id in flat arrays: a common word lists every document.
      let scores = null;
      queryWords.forEach((w, n) => {
        const wordStems = stems(w.word);
        if (wordStems.length === 0) return;
        const group = new Float64Array(docCount); // doc → best score for this query word
        const add = (i, factor) => {
          const list = index.postings[i]; // [doc gap × 16 + weight, …]
          const idf = Math.log(1 + docCount / list.length);
          let doc = 0;
          for (const packed of list) {
            doc += Math.floor(packed / 16);
            const s = idf * Math.log1p(packed % 16) * factor; // many mentions count, with diminishing returns
            if (s > group[doc]) group[doc] = s;
          }
          matched.set(index.terms[i], n);
        };
        for (const t of wordStems) {
          if (ids.has(t)) add(ids.get(t), 1);
          if (typing && n === queryWords.length - 1) {
            for (const i of completions(t)) if (index.terms[i] !== t) add(i, PREFIX_FACTOR);
          }
        }
        if (scores === null) {
          scores = group;
        } else {
          for (let d = 0; d < docCount; d++) scores[d] = scores[d] > 0 && group[d] > 0 ? scores[d] + group[d] : 0;
        }
      });
      const results = [];
      if (scores !== null) for (let d = 0; d < docCount; d++) if (scores[d] > 0) results.push({ doc: d, score: scores[d] });
      results.sort((a, b) => b.score - a.score || a.doc - b.doc);
      return { results, terms: matched };
    }

    return { search, docCount };
  }

  // --- Snippets ----------------------------------------------------------------

  /** Characters of context a snippet shows around its first match. */
  const BEFORE = 60;
  const LENGTH = 220;
  /** Fields looked at after the first one with a match: bounds the work for long original texts. */
  const MORE_FIELDS = 6;

  /** Ranges [start, end, query word] of `text` whose words have a stem in `wanted` (term → query word). */
  function hits(text, wanted) {
    const { text: folded, map } = foldWithMap(text);
    const found = [];
    for (const w of words(folded)) {
      const t = stems(w.word).find((x) => wanted.has(x));
      if (t !== undefined) found.push([map[w.start], map[w.end], wanted.get(t)]);
    }
    return found;
  }

  /**
   * The part of a document to show: of every field with a match, the window
   * that holds the most different query words (the first such in the order
   * the index lists fields: the page's language first), cut at spaces.
   * Returns { field, start, end, hits }, or null when only the title matched.
   */
  function snippet(fields, wanted) {
    const queryWords = new Set(wanted.values()).size;
    let best = null;
    let budget = Infinity;
    for (const field of fields) {
      if (budget-- <= 0) break;
      const found = hits(field[1], wanted);
      if (found.length > 0 && best === null) budget = MORE_FIELDS;
      for (let i = 0; i < found.length; i++) {
        const from = found[i][0];
        const inWindow = new Set();
        for (let k = i; k < found.length && found[k][1] <= from + LENGTH - BEFORE; k++) inWindow.add(found[k][2]);
        if (!best || inWindow.size > best.distinct) best = { field, found, at: from, distinct: inWindow.size };
      }
      if (best && best.distinct >= queryWords) break; // no window can hold more
    }
    if (!best) return null;
    const text = best.field[1];
    const first = best.at;
    let start = Math.max(0, first - BEFORE);
    if (start > 0) {
      const space = text.indexOf(' ', start);
      if (space !== -1 && space < first) start = space + 1;
    }
    let end = Math.min(text.length, start + LENGTH);
    if (end < text.length) {
      const space = text.lastIndexOf(' ', end);
      if (space > first) end = space;
    }
    return {
      field: best.field,
      start,
      end,
      hits: best.found.filter(([a, b]) => a >= start && b <= end),
      distinct: best.distinct,
      complete: best.distinct >= queryWords,
    };
  }

  /** Appends text[start, end) to `parent`, each hit inside a <mark>. */
  function appendMarked(doc, parent, text, start, end, ranges) {
    let at = start;
    for (const [a, b] of ranges) {
      if (a < at) continue; // overlaps the previous mark
      parent.append(doc.createTextNode(text.slice(at, a)));
      const mark = doc.createElement('mark');
      mark.textContent = text.slice(a, b);
      parent.append(mark);
      at = b;
    }
    parent.append(doc.createTextNode(text.slice(at, end)));
  }

  // --- The page ----------------------------------------------------------------

  /** Results shown at once; a button shows the next ones. */
  const PAGE_SIZE = 20;

  function attach(doc) {
    const root = doc.getElementById('search');
    if (!root) return;
    const form = doc.getElementById('search-form');
    const input = doc.getElementById('search-input');
    const status = doc.getElementById('search-status');
    const list = doc.getElementById('search-results');
    const more = doc.getElementById('search-more');
    const pageLang = doc.documentElement.lang;
    doc.getElementById('search-needs-js').hidden = true;
    form.hidden = false;

    let searcher = null;
    let index = null;

    /** Marks an element as being in `lang` when the page is in another language. */
    const markLang = (el, lang) => {
      if (lang !== pageLang) {
        el.lang = lang;
        el.dir = index.dirs[lang] || 'auto';
      }
    };

    let current = { results: [], wanted: new Map() };

    /** Text shard k (a promise of doc id → passages), loaded once. */
    const shards = new Map();
    function textShard(k) {
      if (!shards.has(k)) {
        shards.set(
          k,
          new Promise((resolve, reject) => {
            const script = doc.createElement('script');
            script.src = index.shards[k];
            script.addEventListener('load', () => resolve(global.NASHRA_SEARCH_TEXT[k]));
            script.addEventListener('error', reject);
            doc.body.append(script);
          }),
        );
      }
      return shards.get(k);
    }

    /** The snippet paragraph of a cut, matches marked. */
    function snippetParagraph(cut) {
      const p = doc.createElement('p');
      p.className = 'snippet';
      markLang(p, cut.field[0]);
      const text = cut.field[1];
      if (cut.start > 0) p.append(doc.createTextNode('… '));
      appendMarked(doc, p, text, cut.start, cut.end, cut.hits);
      if (cut.end < text.length) p.append(doc.createTextNode(' …'));
      return p;
    }

    /** One result as a list item: linked title, kind, snippet with the matches marked. */
    function resultItem(id, wanted) {
      const [kind, url, titleLang, title, fields, hasPassages] = index.docs[id];
      const item = doc.createElement('li');
      const link = doc.createElement('a');
      const heading = doc.createElement('span');
      let cut = snippet(fields, wanted);
      link.href = url;
      markLang(heading, titleLang);
      appendMarked(doc, heading, title, 0, title.length, hits(title, wanted));
      link.append(heading);
      const label = doc.createElement('span');
      label.className = 'kind';
      label.textContent = index.kinds[kind];
      item.append(link, label);
      let shown = cut ? snippetParagraph(cut) : null;
      if (shown) item.append(shown);
      if (hasPassages && !(cut && cut.complete)) {
        // The original text may hold a better snippet: show it when its shard arrives.
        const k = Math.floor(id / index.shard_size);
        textShard(k).then(
          (texts) => {
            const better = snippet(texts[id] || [], wanted);
            if (!better || (cut && better.distinct <= cut.distinct)) return;
            cut = better;
            const p = snippetParagraph(better);
            if (shown) shown.replaceWith(p);
            else item.append(p);
            shown = p;
            if (better.field[2]) link.href = `${url}#${better.field[2]}`;
          },
          () => {}, // without the shard the result keeps its title and stored snippet
        );
      }
      return item;
    }

    /** Appends the next page of the current results. */
    function showMore() {
      const { results, wanted } = current;
      const from = list.children.length;
      for (const { doc: id } of results.slice(from, from + PAGE_SIZE)) list.append(resultItem(id, wanted));
      more.hidden = list.children.length >= results.length;
    }

    function show() {
      list.replaceChildren();
      more.hidden = true;
      const query = input.value;
      if (!searcher || query.trim() === '') {
        status.textContent = searcher || query.trim() === '' ? '' : root.dataset.loading;
        return;
      }
      const { results, terms: wanted } = searcher.search(query);
      current = { results, wanted };
      status.textContent =
        results.length === 0 ? root.dataset.none : root.dataset.count.replace('{n}', String(results.length));
      showMore();
    }

    more.addEventListener('click', showMore);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      show();
    });
    input.addEventListener('input', show);

    const initial = new URLSearchParams(global.location.search).get('q');
    if (initial) input.value = initial;

    status.textContent = root.dataset.loading;
    const script = doc.createElement('script');
    script.src = root.dataset.index;
    script.addEventListener('load', () => {
      index = global.NASHRA_SEARCH_INDEX;
      searcher = createSearcher(index);
      performance.mark('nashra-search-ready'); // bench/search-latency.mjs reads it
      status.textContent = '';
      show();
    });
    script.addEventListener('error', () => {
      status.textContent = root.dataset.failed;
    });
    doc.body.append(script);
  }

  const api = { fold, foldWithMap, words, stems, terms, stemEnglish, createSearcher, snippet, hits };
  global.NashraSearch = api;
  if (global.document) {
    if (global.document.readyState === 'loading') {
      global.document.addEventListener('DOMContentLoaded', () => attach(global.document));
    } else {
      attach(global.document);
    }
  }
})(globalThis);
