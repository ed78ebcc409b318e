// bench/page.mjs — how fast the page trains (issue 12): the same run in headless Chromium with
// 1 and with 2 trainer threads, and `node build/wasm/dae.js bench --threads 1|2` (the wasm engine
// without a page), interleaved round by round so that all three see the same machine.
// A report, not a test: prints each round, the medians and the two ratios.
//   node bench/page.mjs [--rounds 3] [--train 9600] [--site build/wasm/site]
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { startApp, repoRoot, buildDir } from '../tests/e2e/harness.mjs';
import { trainAndWait } from '../tests/e2e/util.mjs';

const opt = { rounds: 3, train: 9600, site: path.join(buildDir, 'site') };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--rounds') opt.rounds = Number(process.argv[++i]);
  else if (a === '--train') opt.train = Number(process.argv[++i]);
  else if (a === '--site') opt.site = path.resolve(process.argv[++i]);
  else { console.error(`page.mjs: unknown flag ${a}`); process.exit(2); }
}

// Page training: batch 128 like `dae bench`, a tiny validation set; wall-clock images per second
// of the run (elapsed_s: the time the run was active, as the page reports it).
async function pageRate(page, threads) {
  const st = await trainAndWait(page, { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 1,
                                        batch: 128, train: opt.train, val: 32, seed: 1, threads }, { log: false });
  if (st.threads !== threads) throw new Error(`asked for ${threads} threads, the run used ${st.threads}`);
  return opt.train / st.elapsed_s;
}

function nodeRate(threads) {
  const out = execFileSync('node', [path.join(buildDir, 'dae.js'), 'bench', '--threads', String(threads), '--seconds', '5'],
                           { cwd: repoRoot, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()).samples_per_s;
}

const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const app = await startApp({ site: opt.site });
const rows = { page1: [], page2: [], node1: [], node2: [] };
try {
  const cores = await app.page.evaluate(() => navigator.hardwareConcurrency);
  const st = await app.page.evaluate(() => window.dae.status());
  if (!st.isolated || !st.threaded_build) throw new Error('the page is not cross-origin isolated: no threads');
  console.log(`headless Chromium, ${cores} cores, seed 28×28, batch 128, ${opt.train} images per run`);
  await pageRate(app.page, 2);  // warm-up (data, JIT)
  for (let r = 1; r <= opt.rounds; r++) {
    const p1 = await pageRate(app.page, 1), p2 = await pageRate(app.page, 2), n1 = nodeRate(1), n2 = nodeRate(2);
    rows.page1.push(p1); rows.page2.push(p2); rows.node1.push(n1); rows.node2.push(n2);
    console.log(`round ${r}: page 1 thread ${p1.toFixed(0)}, page 2 threads ${p2.toFixed(0)}, ` +
                `node dae.js bench --threads 1 ${n1.toFixed(0)}, --threads 2 ${n2.toFixed(0)} images/s`);
  }
} finally {
  await app.teardown();
}
const p1 = median(rows.page1), p2 = median(rows.page2), n1 = median(rows.node1), n2 = median(rows.node2);
console.log(`median: page 1 thread ${p1.toFixed(0)}, page 2 threads ${p2.toFixed(0)}, node 1 thread ${n1.toFixed(0)}, ` +
            `node 2 threads ${n2.toFixed(0)} images/s`);
console.log(`(the engine alone: node 2 threads / 1 thread = ${(n2 / n1).toFixed(2)}×; the page shares the cores with ` +
            `the browser's own threads)`);
console.log(`page 2 threads / page 1 thread = ${(p2 / p1).toFixed(2)}× (target ≥ 1.6×)`);
console.log(`page 2 threads / node dae.js bench --threads 2 = ${(p2 / n2).toFixed(2)}× (target ≥ 0.9×)`);
