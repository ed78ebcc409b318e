// bench/page.mjs — how fast the page trains (issue 12): the same run in headless Chromium with
// 1 and with 2 trainer threads, and `node build/wasm/dae.js bench --threads 1|2` (the wasm engine
// without a page), interleaved round by round so that all three see the same machine.
// A report, not a test: prints each round, the medians and the two ratios.
//   node bench/page.mjs [--rounds 3] [--train 9600] [--epochs 2] [--site build/wasm/site]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startApp, repoRoot, buildDir } from '../tests/e2e/harness.mjs';
import { pageRate } from './page_rate.mjs';

const opt = { rounds: 3, train: 9600, epochs: 2, site: path.join(buildDir, 'site') };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--rounds') opt.rounds = Number(process.argv[++i]);
  else if (a === '--train') opt.train = Number(process.argv[++i]);
  else if (a === '--epochs') opt.epochs = Number(process.argv[++i]);
  else if (a === '--site') opt.site = path.resolve(process.argv[++i]);
  else { console.error(`page.mjs: unknown flag ${a}`); process.exit(2); }
}

function nodeRate(threads) {
  const out = execFileSync('node', [path.join(buildDir, 'dae.js'), 'bench', '--threads', String(threads), '--seconds', '5'],
                           { cwd: repoRoot, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()).samples_per_s;
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const app = await startApp({ site: opt.site });
const rows = { page1: [], page2: [], whole1: [], whole2: [], node1: [], node2: [] };
try {
  const cores = await app.page.evaluate(() => navigator.hardwareConcurrency);
  const st = await app.page.evaluate(() => window.dae.status());
  if (!st.isolated || !st.threaded_build) throw new Error('the page is not cross-origin isolated: no threads');
  console.log(`headless Chromium, ${cores} cores, seed 28×28, batch 128, ${opt.epochs} × ${opt.train} images per run`);
  await pageRate(app.page, 2, opt);  // warm-up (data, JIT)
  for (let r = 1; r <= opt.rounds; r++) {
    const p1 = await pageRate(app.page, 1, opt), p2 = await pageRate(app.page, 2, opt), n1 = nodeRate(1), n2 = nodeRate(2);
    rows.page1.push(p1.steady); rows.page2.push(p2.steady); rows.whole1.push(p1.whole); rows.whole2.push(p2.whole);
    rows.node1.push(n1); rows.node2.push(n2);
    console.log(`round ${r}: page 1 thread ${p1.steady.toFixed(0)} (whole run ${p1.whole.toFixed(0)}), ` +
                `page 2 threads ${p2.steady.toFixed(0)} (whole run ${p2.whole.toFixed(0)}), ` +
                `node dae.js bench --threads 1 ${n1.toFixed(0)}, --threads 2 ${n2.toFixed(0)} images/s`);
  }
} finally {
  await app.teardown();
}
const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
console.log(`median: page 1 thread ${m.page1.toFixed(0)}, page 2 threads ${m.page2.toFixed(0)}, node 1 thread ` +
            `${m.node1.toFixed(0)}, node 2 threads ${m.node2.toFixed(0)} images/s (steady, as dae bench measures)`);
console.log(`        whole runs (Train to finished): page 1 thread ${m.whole1.toFixed(0)}, 2 threads ${m.whole2.toFixed(0)} ` +
            `images/s (${(m.whole2 / m.whole1).toFixed(2)}×, ${(m.whole2 / m.node2).toFixed(2)}× node)`);
console.log(`(the engine alone: node 2 threads / 1 thread = ${(m.node2 / m.node1).toFixed(2)}×; the page shares the ` +
            `cores with the browser's own threads)`);
console.log(`page 2 threads / page 1 thread = ${(m.page2 / m.page1).toFixed(2)}× (target ≥ 1.6×)`);
console.log(`page 2 threads / node dae.js bench --threads 2 = ${(m.page2 / m.node2).toFixed(2)}× (target ≥ 0.9×)`);
