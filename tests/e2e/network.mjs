// What a page fetched, byte for byte as the network carried it (headers and any gzip included),
// through the Chrome DevTools Protocol; and network throttling. Shared by bench/first_load.mjs
// and test_first_load.mjs (not a test itself).
//
//   const cdp = await page.context().newCDPSession(page);
//   const net = await watchNetwork(cdp);                 // before page.goto
//   await throttle(cdp, { downMbit: 10, rttMs: 40 });
//   ...; const files = net.files();                      // [{ path, bytes, done, encoding, status }]

/**
 * Starts recording every request of the page (its workers' included) on `cdp`. Times are wall
 * clock ms (Date.now(), performance.timeOrigin + performance.now() in the page).
 */
export async function watchNetwork(cdp) {
  const byId = new Map();  // requestId -> { url, chunks: [[ms, bytes]], end: ms|null, total, encoding, status }
  let offsetMs = null;     // wall clock - CDP monotonic clock, from the first request
  const at = (ts) => ts * 1000 + (offsetMs ?? 0);
  const entry = (id) => {
    if (!byId.has(id)) byId.set(id, { url: '', chunks: [], end: null, total: 0, encoding: '', status: 0, cached: false });
    return byId.get(id);
  };
  cdp.on('Network.requestWillBeSent', (e) => {
    if (offsetMs === null && e.wallTime) offsetMs = e.wallTime * 1000 - e.timestamp * 1000;
    entry(e.requestId).url = e.request.url;
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = entry(e.requestId);
    r.status = e.response.status;
    r.cached = !!(e.response.fromDiskCache || e.response.fromServiceWorker || e.response.fromPrefetchCache);
    const h = Object.fromEntries(Object.entries(e.response.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
    r.encoding = h['content-encoding'] || '';
  });
  // Bytes as they arrive (for a transfer still going on), then the exact total (headers too).
  cdp.on('Network.dataReceived', (e) => { entry(e.requestId).chunks.push([at(e.timestamp), e.encodedDataLength || 0]); });
  cdp.on('Network.loadingFinished', (e) => {
    const r = entry(e.requestId);
    r.end = at(e.timestamp);
    r.total = e.encodedDataLength || 0;
  });
  cdp.on('Network.loadingFailed', (e) => { entry(e.requestId).end = at(e.timestamp); });
  await cdp.send('Network.enable');
  return {
    /**
     * Every request: path (from the site's root), bytes on the wire by `untilMs` (default: all
     * so far), whether it had ended by then, its Content-Encoding and HTTP status.
     */
    files(untilMs = Infinity) {
      const out = [];
      for (const r of byId.values()) {
        if (!r.url.startsWith('http')) continue;
        const done = r.end !== null && r.end <= untilMs;
        let bytes = done ? r.total : r.chunks.filter(([t]) => t <= untilMs).reduce((s, [, b]) => s + b, 0);
        if (r.cached) bytes = 0;
        if (!done && bytes === 0) continue;  // not started by then
        out.push({ path: new URL(r.url).pathname.replace(/^\//, '') || 'index.html', bytes, done,
                   encoding: r.encoding, status: r.status, endMs: r.end });
      }
      return out;
    },
    total(untilMs = Infinity) { return this.files(untilMs).reduce((s, f) => s + f.bytes, 0); },
  };
}

/** Chromium's network throttling: downMbit Mbit/s down and up, rttMs added to every request. */
export async function throttle(cdp, { downMbit = 10, rttMs = 40 } = {}) {
  const bytesPerS = downMbit * 1e6 / 8;
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: rttMs, downloadThroughput: bytesPerS, uploadThroughput: bytesPerS,
  });
}

/** Asks the server for files as they are, without gzip (as a host that does not compress). */
export async function refuseGzip(cdp) {
  await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': 'identity' } });
}

/** Sums bytes per file name (a file fetched twice counts twice). */
export function byFile(files) {
  const m = new Map();
  for (const f of files) m.set(f.path, (m.get(f.path) || 0) + f.bytes);
  return m;
}

/**
 * Page script (page.addInitScript): notes in window.__daeUsableAt the wall-clock moment
 * window.dae.usable turned true (or, on a page without it, window.dae.ready), polled every 10 ms.
 */
export function markUsable() {
  const poll = () => {
    const d = window.dae;
    if (d && ('usable' in d ? d.usable : d.ready)) window.__daeUsableAt = performance.timeOrigin + performance.now();
    else setTimeout(poll, 10);
  };
  poll();
}
