// bench/first_load.mjs — the page's first load (issue 30): every file a first visit fetches,
// its bytes on the wire, and the time until the page is usable, under Chromium's network
// throttling. A report, not a test (test_first_load.mjs asserts the byte budget).
//
// "Usable": window.dae.usable (window.dae.ready on builds before it) with the bundled pretrained
// model loaded: the loading line is gone, a digit drawn on the Draw pad is denoised at once and
// Train can be pressed (it waits for MNIST's images, saying so, if they are still arriving). Each round is a fresh browser profile
// (nothing cached, nothing saved) served by tools/serve.py, which gzips as static hosts
// (GitHub Pages, Netlify) do; `--identity` asks for every file as it is (a host that does not
// compress). Also printed: when the whole MNIST pack had arrived (Train's data).
//   node bench/first_load.mjs [--rounds 3] [--down 10] [--rtt 40] [--identity] [--site build/wasm/site]
import path from 'node:path';
import { startApp, buildDir } from '../tests/e2e/harness.mjs';
import { watchNetwork, throttle, refuseGzip, markUsable } from '../tests/e2e/network.mjs';

const opt = { rounds: 3, down: 10, rtt: 40, identity: false, site: path.join(buildDir, 'site') };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--rounds') opt.rounds = Number(process.argv[++i]);
  else if (a === '--down') opt.down = Number(process.argv[++i]);
  else if (a === '--rtt') opt.rtt = Number(process.argv[++i]);
  else if (a === '--identity') opt.identity = true;
  else if (a === '--site') opt.site = path.resolve(process.argv[++i]);
  else { console.error(`first_load.mjs: unknown flag ${a}`); process.exit(2); }
}

async function round() {
  let net, start;
  const app = await startApp({
    site: opt.site, timeout: 120000,
    beforeLoad: async (page) => {
      const cdp = await page.context().newCDPSession(page);
      net = await watchNetwork(cdp);
      await throttle(cdp, { downMbit: opt.down, rttMs: opt.rtt });
      if (opt.identity) await refuseGzip(cdp);
      await page.addInitScript(markUsable);
      start = Date.now();
    },
  });
  try {
    const page = app.page;
    const t0 = await page.evaluate(() => performance.timeOrigin);
    const readyAt = await page.waitForFunction(() => window.__daeUsableAt).then((h) => h.jsonValue());
    const st = await page.evaluate(() => window.dae.status());
    if (st.model.source !== 'bundled') throw new Error(`no pretrained model at ready: ${st.model.description}`);
    // Then the rest of the first visit: until the MNIST pack is in (Train's data).
    const t1 = Date.now();
    for (;;) {
      const f = net.files().find((x) => /mnist[^/]*\.daepack$/.test(x.path) && x.done);
      if (f) break;
      if (Date.now() - t1 > 60000) throw new Error('the MNIST pack did not arrive within 60 s');
      await page.waitForTimeout(50);
    }
    await page.waitForTimeout(300);  // anything fetched right after
    const all = net.files();
    const dataAt = Math.max(...all.filter((x) => /\.daepack$/.test(x.path)).map((x) => x.endMs));
    return { usableMs: readyAt - t0, dataMs: dataAt - t0, before: net.files(readyAt), all, wallMs: Date.now() - start };
  } finally {
    await app.teardown();
  }
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const kb = (b) => (b / 1000).toFixed(1).padStart(8);
console.log(`first load: ${opt.down} Mbit/s, ${opt.rtt} ms RTT, ${opt.identity ? 'no gzip (Accept-Encoding: identity)' : 'gzip as tools/serve.py sends it'}, ${opt.rounds} rounds`);
const rounds = [];
for (let r = 1; r <= opt.rounds; r++) {
  const x = await round();
  rounds.push(x);
  const before = x.before.reduce((s, f) => s + f.bytes, 0), all = x.all.reduce((s, f) => s + f.bytes, 0);
  console.log(`round ${r}: usable at ${x.usableMs.toFixed(0)} ms with ${kb(before)} kB; MNIST in at ${x.dataMs.toFixed(0)} ms; ${kb(all)} kB in all`);
}
// The files of the median round (by time to usable).
const mid = [...rounds].sort((a, b) => a.usableMs - b.usableMs)[Math.floor(rounds.length / 2)];
console.log('\nfile                                   encoding  kB before usable   kB in all');
const paths = [...new Set(mid.all.map((f) => f.path))];
for (const p of paths) {
  const sum = (list) => list.filter((f) => f.path === p).reduce((s, f) => s + f.bytes, 0);
  const enc = (mid.all.find((f) => f.path === p).encoding || '-').padEnd(8);
  console.log(`${p.padEnd(38)} ${enc} ${kb(sum(mid.before))}        ${kb(sum(mid.all))}`);
}
const tot = (list) => list.reduce((s, f) => s + f.bytes, 0);
console.log(`${'total'.padEnd(38)} ${''.padEnd(8)} ${kb(tot(mid.before))}        ${kb(tot(mid.all))}`);
console.log(`\nmedian of ${rounds.length}: usable ${median(rounds.map((x) => x.usableMs)).toFixed(0)} ms ` +
            `(${rounds.map((x) => x.usableMs.toFixed(0)).join(', ')}), ` +
            `${(median(rounds.map((x) => tot(x.before))) / 1e6).toFixed(3)} MB before usable; ` +
            `MNIST in at ${median(rounds.map((x) => x.dataMs)).toFixed(0)} ms, ` +
            `${(median(rounds.map((x) => tot(x.all))) / 1e6).toFixed(3)} MB in all`);
