// nashra serve: live reload. Injected into pages by `nashra serve` only, never by `build`.
(() => {
  const key = 'nashra-scroll:' + location.pathname;
  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    const [x, y] = JSON.parse(saved);
    const restore = () => window.scrollTo(x, y);
    if (document.readyState === 'complete') restore(); else addEventListener('load', restore, { once: true });
  }
  const overlayId = 'nashra-errors';
  const hideOverlay = () => document.getElementById(overlayId)?.remove();
  const showOverlay = (diags) => {
    hideOverlay();
    const box = document.createElement('div');
    box.id = overlayId;
    box.lang = 'en';
    box.dir = 'ltr';
    box.setAttribute('role', 'alert');
    box.style.cssText = 'position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(20,0,0,.92);' +
      'color:#fff;font:14px/1.5 ui-monospace,monospace;padding:2rem;text-align:start;white-space:pre-wrap';
    const title = document.createElement('h2');
    title.textContent = 'nashra: the build failed; this page is the last good version';
    title.style.cssText = 'font:bold 16px ui-monospace,monospace;margin:0 0 1rem';
    box.append(title);
    for (const d of diags) {
      const item = document.createElement('p');
      item.className = 'nashra-diagnostic';
      item.style.margin = '0 0 1rem';
      const where = `${d.path}:${Math.max(d.line, 1)}:${Math.max(d.column, 1)}: ${d.severity}: `;
      item.textContent = where + d.message + (d.hint ? '\n  hint: ' + d.hint : '');
      box.append(item);
    }
    document.body.append(box);
  };
  const swapCss = (paths) => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const href = link.getAttribute('href');
      const m = href.match(/^(.*?)(assets\/.+?)\.[0-9a-f]+\.css$/);
      if (!m) continue;
      const next = paths.find((p) => p.replace(/\.[0-9a-f]+\.css$/, '') === m[2]);
      if (next) link.setAttribute('href', m[1] + next);
    }
  };
  let built = __NASHRA_BUILD__;
  const events = new EventSource('/__nashra/events?page=' + encodeURIComponent(location.pathname));
  const reload = () => {
    sessionStorage.setItem(key, JSON.stringify([scrollX, scrollY]));
    location.reload();
  };
  // The new version of this page replaces the old one in place: no new document,
  // so no flash, the scroll position stays, and it shows much sooner than after a
  // reload. A page that loads scripts of its own (search) is reloaded instead.
  const swap = async (build) => {
    try {
      if (document.querySelector('script[src]')) return reload();
      const response = await fetch(location.href, { cache: 'no-store' });
      if (!response.ok) return reload();
      const next = new DOMParser().parseFromString(await response.text(), 'text/html');
      if (next.querySelector('script[src]')) return reload();
      document.documentElement.lang = next.documentElement.lang;
      document.documentElement.dir = next.documentElement.dir;
      if (document.head.innerHTML !== next.head.innerHTML) document.head.replaceWith(next.head);
      document.body.replaceWith(next.body); // its copy of this script does not run again
      built = build;
    } catch {
      reload();
    }
  };
  // A page from an older build than the one served now (it changed while the page loaded): reload.
  events.addEventListener('hello', (e) => { if (Number(e.data) !== built) reload(); });
  events.addEventListener('reload', (e) => swap(JSON.parse(e.data).build));
  events.addEventListener('css', (e) => {
    const { paths, build } = JSON.parse(e.data);
    hideOverlay();
    swapCss(paths);
    built = build;
  });
  events.addEventListener('errors', (e) => showOverlay(JSON.parse(e.data)));
  events.addEventListener('ok', hideOverlay);
})();
