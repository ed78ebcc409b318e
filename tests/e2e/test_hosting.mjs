// Any static host works (issue 12): the site served by a plain static server that sends no
// COOP/COEP headers (`python3 -m http.server`):
//  * with service workers available, coi-serviceworker makes the page cross-origin isolated
//    after one automatic reload, and the threaded build trains on threads;
//  * with service workers blocked (as a browser with them disabled), the single-threaded build
//    loads, the header says why ("1 thread: …"), and a run still trains — with exactly the
//    weights of `node build/wasm/dae.js train` with the same flags.
// (tools/serve.py, which sends the headers itself, is what every other e2e test uses.)
// In both, a stroke drawn with the real mouse shows its denoised image by the next frame or the
// one after — computed by the helper thread (threaded build) or on the page's own thread
// (single-threaded build) — and it is exactly the model's output for the noisy drawing.
// Neither mode may log a console error. The second mode needs the fallback build, which
// tools/test.sh makes only with --all (-DDAE_WASM_FALLBACK=OFF otherwise): without it, it is skipped
// and says so.
//   node tests/e2e/test_hosting.mjs [--site build/wasm/site]

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startApp, parseArgs, buildDir } from './harness.mjs';
import { assert, trainAndWait, frames, timer, waitFor, maxAbsDiff, strictTiming } from './util.mjs';
import { tensors } from './fixtures.mjs';

const CONFIG = { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 1, batch: 32, train: 2048, val: 64,
                 seed: 21 };
const FLAGS = ['--dataset', 'mnist', '--arch', 'seed', '--noise', 'gaussian:0.5', '--epochs', '1', '--batch', '32',
               '--train', '2048', '--val', '64', '--seed', '21', '--quiet'];

const args = parseArgs();
const t = timer();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dae-e2e-hosting-'));

// One stroke across the Draw pad; then its denoised image must be the model's output for the
// noisy drawing, within 2 frames of the stroke (asserted with DAE_PERF=1: on a loaded machine the
// helper thread may take longer than a frame; the default run asserts the image is exact).
async function strokeIsDenoised(page, what, onHelper) {
  const before = (await page.evaluate(() => window.dae.status())).model_work;
  assert.equal(before.on_helper, onHelper, `model work on the helper thread: ${before.on_helper}`);
  await page.evaluate(() => window.dae.showTab('draw'));
  await frames(page, 2);
  await page.evaluate(() => window.dae.clearDrawing());
  const c = await page.evaluate(() => window.dae.drawCanvasRect());
  await page.mouse.move(c.x + c.width * 0.5, c.y + c.height * 0.15);
  await page.mouse.down();
  for (let s = 1; s <= 12; s++) await page.mouse.move(c.x + c.width * 0.5, c.y + c.height * (0.15 + 0.06 * s));
  await page.mouse.up();
  const d = await waitFor(page, () => {
    const p = window.dae.drawPanel();
    return p.drawn.some((v) => v > 0.5) && p.denoised.length === p.drawn.length && p.latency_frames >= 1 ? p : null;
  }, null, { what: 'the stroke\'s denoised image' });
  await frames(page, 2);  // nothing more is drawn: the image on screen is the stroke's
  const p = await page.evaluate(() => window.dae.drawPanel());
  const direct = await page.evaluate((x) => Array.from(window.dae.denoise(new Float32Array(x))), Array.from(p.noisy));
  const diff = maxAbsDiff(Array.from(p.denoised), direct);
  console.log(`${what}: a stroke's denoised image after ${d.max_latency_frames} frame(s), max |Δ| to the model's ` +
              `own output ${diff}`);
  assert.ok(d.max_latency_frames >= 1, `${d.max_latency_frames} frames`);
  if (strictTiming) assert.ok(d.max_latency_frames <= 2, `${d.max_latency_frames} frames`);
  assert.equal(diff, 0, 'the Draw pad shows another output than the model gives');
  const after = (await page.evaluate(() => window.dae.status())).model_work;
  assert.ok(after.jobs > before.jobs, 'the stroke ran no model job');
}

async function mode(name, options, body) {
  const app = await startApp({ site: args.site, timeout: args.timeout, ...options });
  try {
    await body(app);
    app.assertNoErrors();
  } catch (e) {
    await app.screenshot(path.join(buildDir, `screenshot-failure-hosting-${name}.png`)).catch(() => {});
    throw e;
  } finally {
    await app.teardown();
  }
  t.step(name);
}

try {
  // 1. Plain host, service workers allowed: isolated after one reload, threads.
  await mode('plain+sw', { server: 'plain' }, async (app) => {
    const page = app.page;
    const st = await page.evaluate(() => window.dae.status());
    const nav = await page.evaluate(() => performance.getEntriesByType('navigation')[0].type);
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    console.log(`plain host + service worker: isolated ${st.isolated}, ${st.threads_text}, ` +
                `navigation '${nav}', ready after ${app.readyMs} ms`);
    assert.equal(st.isolated, true, 'coi-serviceworker did not make the page cross-origin isolated');
    assert.equal(st.threaded_build, true);
    assert.equal(nav, 'reload', 'isolation should come after exactly one automatic reload');
    assert.equal(st.threads, Math.min(cores, 8));
    const run = await trainAndWait(page, { ...CONFIG, threads: 2 });
    assert.equal(run.threads, 2);
    assert.ok(run.history[0].val_psnr > run.noisy_psnr, 'the run did not learn');
    await strokeIsDenoised(page, 'threaded build (helper thread)', true);
    await frames(page, 3);
    await app.screenshot(path.join(buildDir, 'screenshot-hosting-sw.png'));
  });

  // 2. Plain host, service workers blocked: the single-threaded build, and it says why. Built
  // unless -DDAE_WASM_FALLBACK=OFF (tools/test.sh without --all).
  if (fs.existsSync(path.join(args.site, 'dae_app_st.wasm'))) {
    let stModel;
    await mode('plain-no-sw', { server: 'plain', serviceWorkers: 'block' }, async (app) => {
      const page = app.page;
      const st = await page.evaluate(() => window.dae.status());
      console.log(`plain host, service workers blocked: isolated ${st.isolated}, build ` +
                  `${st.threaded_build ? 'threaded' : 'single-threaded'}, header "${st.threads_text}"`);
      assert.equal(st.isolated, false);
      assert.equal(st.threaded_build, false);
      assert.equal(st.threads, 1);
      assert.match(st.threads_text, /^1 thread: .*not cross-origin isolated/);
      const loaded = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
      assert.ok(loaded.some((u) => /dae_app_st\.wasm$/.test(u)), 'the single-threaded build was not loaded');
      assert.ok(!loaded.some((u) => /dae_app\.wasm$/.test(u)), 'the threaded build was fetched too');
      // Asking for threads here is refused with a reason, not ignored.
      const refused = await page.evaluate(() => { try { window.dae.setThreads(2); return null; } catch (e) { return e.message; } });
      assert.ok(refused && /isolated|single|thread/.test(refused), `setThreads(2): ${refused}`);
      const run = await trainAndWait(page, CONFIG);
      assert.equal(run.threads, 1);
      assert.ok(run.history[0].val_psnr > run.noisy_psnr, 'the run did not learn');
      stModel = Buffer.from(await page.evaluate(() => Array.from(window.dae.downloadModel())));
      await strokeIsDenoised(page, 'single-threaded build (inline)', false);
      await frames(page, 3);
      await app.screenshot(path.join(buildDir, 'screenshot-hosting-st.png'));
    });

    // The single-threaded page and the CLI (threaded wasm build, 2 threads) agree bit for bit.
    const cli = path.join(buildDir, 'dae.js');
    const out = path.join(tmp, 'cli.safetensors');
    execFileSync('node', [cli, 'train', ...FLAGS, '--threads', '2', '--out', out], { stdio: 'inherit' });
    const a = tensors(stModel), b = tensors(fs.readFileSync(out));
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
    for (const k of Object.keys(a)) assert.ok(a[k].equals(b[k]), `${k}: the single-threaded page differs from the CLI`);
    console.log(`single-threaded page = node dae.js train --threads 2, bit for bit (${Object.keys(a).length} tensors)`);
    t.step('parity');
  } else {
    console.log('the single-threaded fallback was not built (-DDAE_WASM_FALLBACK=OFF): its checks are skipped; ' +
                'tools/test.sh --all builds and checks it');
  }
  t.report('e2e_hosting');
  console.log('e2e_hosting: passed');
} catch (e) {
  console.error(`e2e hosting FAILED: ${e.stack || e.message}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
