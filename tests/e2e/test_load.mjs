// The app loads in headless Chromium: window.dae.ready becomes true, no console errors,
// a WebGL2 canvas fills the window, the automation contract is there (issue 3), served by
// tools/serve.py it is cross-origin isolated and trains on threads (issue 12), the bundled
// pretrained model is in memory so the Draw pad works at once (issue 8), and the first load
// stays small. Screenshot: build/wasm/screenshot-load.png.
//   node tests/e2e/test_load.mjs [--site build/wasm/site] [--timeout 90000]

import fs from 'node:fs';
import path from 'node:path';
import { runE2E, buildDir } from './harness.mjs';
import { assert, frames } from './util.mjs';

await runE2E('load', async (app) => {
  console.log(`dae.ready after ${app.readyMs} ms`);

  const info = await app.page.evaluate(() => {
    const c = document.getElementById('canvas');
    const status = document.getElementById('status');
    return {
      width: c.width, height: c.height, cssWidth: c.clientWidth, cssHeight: c.clientHeight,
      statusHidden: status.classList.contains('hidden'),
    };
  });
  if (info.cssWidth !== 1280 || info.cssHeight !== 800) {
    throw new Error(`canvas CSS size ${info.cssWidth}x${info.cssHeight}, expected 1280x800`);
  }
  if (info.width !== 1280 || info.height !== 800) {
    throw new Error(`canvas drawing buffer ${info.width}x${info.height}, expected 1280x800`);
  }
  if (!info.statusHidden) throw new Error('the loading message is still shown');

  // tools/serve.py sends a Content-Security-Policy; the page works under it (a violation would
  // also be a console error, which fails every test).
  const head = await fetch(app.url);
  const csp = head.headers.get('content-security-policy') || '';
  assert.ok(/script-src 'self' 'wasm-unsafe-eval'/.test(csp) && /object-src 'none'/.test(csp), `CSP: "${csp}"`);
  assert.ok(!/unsafe-inline/.test(csp), 'the CSP allows inline code');

  // The automation contract.
  const api = await app.page.evaluate(() => {
    const d = window.dae;
    return { fns: ['status', 'train', 'pause', 'reset', 'denoise', 'drawCanvasRect', 'drawn', 'drawPanel',
                   'downloadModel', 'uploadModel'].filter((f) => typeof d[f] !== 'function'),
             status: d.status() };
  });
  assert.deepEqual(api.fns, [], `window.dae lacks ${api.fns.join(', ')}`);
  const keys = ['dataset', 'arch', 'params', 'train_size', 'val_size', 'epoch', 'epochs', 'step', 'training',
                'train_loss', 'val_loss', 'val_psnr', 'noisy_psnr', 'samples_per_s', 'frame_ms_p95', 'simd',
                'threads', 'isolated', 'main_work_ms_p95', 'history', 'model'];
  const missing = keys.filter((k) => !(k in api.status));
  assert.deepEqual(missing, [], `status() lacks ${missing.join(', ')}`);
  assert.equal(api.status.dataset, 'mnist');
  assert.equal(api.status.simd, true, 'built without WASM SIMD');
  // tools/serve.py sends COOP/COEP: the threaded build, one thread per core (at most 8).
  const cores = await app.page.evaluate(() => navigator.hardwareConcurrency);
  assert.equal(api.status.isolated, true, 'not cross-origin isolated under tools/serve.py');
  assert.equal(api.status.threaded_build, true);
  assert.equal(api.status.threads, Math.min(cores, 8));
  assert.equal(api.status.training, false);
  assert.ok(Array.isArray(api.status.history));
  // First visit: the bundled pretrained model is in memory, so drawing works at once.
  assert.equal(api.status.model.source, 'bundled', `model: ${JSON.stringify(api.status.model)}`);
  assert.match(api.status.model.description, /pretrained seed model/);
  const out = await app.page.evaluate(() => Array.from(window.dae.denoise(new Float32Array(784).fill(0.2))));
  assert.equal(out.length, 784);
  assert.ok(Math.max(...out) - Math.min(...out) >= 0 && out.every((v) => v >= 0 && v <= 1));

  // What the first load transferred (resource timing; the Devanagari pack is only fetched on demand).
  const transfer = await app.page.evaluate(() => performance.getEntriesByType('resource')
    .map((e) => ({ name: e.name.replace(location.origin, ''), bytes: e.transferSize || e.encodedBodySize || 0 })));
  const total = transfer.reduce((s, e) => s + e.bytes, 0);
  console.log(`first load: ${(total / 1048576).toFixed(2)} MB (${transfer.map((e) => `${e.name} ` +
              `${(e.bytes / 1048576).toFixed(2)}`).join(', ')})`);
  assert.ok(total < 10 * 1048576, 'the first load transferred 10 MB or more');
  assert.ok(!transfer.some((e) => /dhcd/.test(e.name)), 'the Devanagari pack was fetched at start-up');
  assert.ok(!transfer.some((e) => /dae_app_st/.test(e.name)), 'the single-threaded build was fetched too');

  // Let a few more frames run, then check again for errors (e.g. GL errors in the loop).
  await frames(app.page, 10);
  const shot = await app.screenshot(path.join(buildDir, 'screenshot-load.png'));
  console.log(`screenshot: ${shot}`);
  const stats = await app.imageStats(fs.readFileSync(shot));
  console.log(`screenshot: ${stats.distinctColors} colours, ` +
              `${(stats.dominantFraction * 100).toFixed(1)}% background`);
  if (stats.distinctColors < 16 || stats.dominantFraction > 0.995) {
    throw new Error('the screenshot looks blank: nothing rendered?');
  }
});
