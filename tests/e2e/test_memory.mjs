// Shared memory done right (issue 12): with pthreads and memory growth, every JavaScript view of
// the heap goes stale when memory grows. Here memory grows while a run trains on worker threads
// and the user draws: a dataset of 12,000 48×48 PNGs (≈ 110 MB as floats) is imported through
// the real "Import .zip…" button. Afterwards the Draw pad still shows the model's output for the
// drawing (checked against window.dae.denoise, which copies through the heap), the run finishes,
// its model downloads as a valid file, and the imported data is all there.
//   node tests/e2e/test_memory.mjs [--site build/wasm/site]

import fs from 'node:fs';
import path from 'node:path';
import { runE2E, buildDir } from './harness.mjs';
import { grayPng, glyph, storedZip } from './fixtures.mjs';
import { assert, waitFor, clickWidget, parkMouse, frames, timer, maxAbsDiff } from './util.mjs';

const SIDE = 48, PER_CLASS = 4000, CLASSES = 3;

const t = timer();
await runE2E('memory', async (app, { tmp }) => {
  const page = app.page;
  const entries = [];
  for (let k = 0; k < CLASSES; k++) {
    for (let i = 0; i < PER_CLASS; i++) {
      entries.push({ name: `big/${k}/${i}.png`, data: grayPng(glyph(k, i, SIDE), SIDE, SIDE) });
    }
  }
  const zipFile = path.join(tmp, 'big.zip');
  fs.writeFileSync(zipFile, storedZip(entries));
  t.step('fixture');

  // A run on worker threads, long enough to overlap the import.
  await page.evaluate(() => window.dae.train({ dataset: 'mnist', arch: 'seed', epochs: 1, batch: 64, train: 6400,
                                               val: 256, seed: 3, threads: 2 }));
  await waitFor(page, () => window.dae.status().step >= 2, null, { timeout: 60000, what: 'the run to start' });
  const heapBefore = await page.evaluate(() => window.dae.heapBytes());

  // The real button (the mouse is free), then draw with the real mouse while the import runs.
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 15000 }),
                                       clickWidget(page, 'import_zip')]);
  await chooser.setFiles(zipFile);
  const canvas = await page.evaluate(() => window.dae.drawCanvasRect());
  let drawing = true, strokes = 0;
  const drawLoop = (async () => {
    while (drawing) {
      const x0 = canvas.x + canvas.width * (0.3 + 0.1 * (strokes % 4)), y0 = canvas.y + canvas.height * 0.25;
      await page.mouse.move(x0, y0);
      await page.mouse.down();
      for (let s = 1; s <= 6; s++) await page.mouse.move(x0 + s, y0 + s * canvas.height * 0.08);
      await page.mouse.up();
      strokes++;
      await page.waitForTimeout(50);
    }
  })();
  const c = await waitFor(page, () => {
    const s = window.dae.config();
    return s.dataset === 'big' || s.data_error ? s : null;
  }, null, { timeout: 120000, what: 'the big zip to be imported' });
  assert.equal(c.data_error || '', '', 'the import failed');
  const heapAfter = await page.evaluate(() => window.dae.heapBytes());
  // Drawing goes on after the memory grew (the pad's views of the heap must not be stale).
  for (const after = strokes + 3, end = Date.now() + 30000; strokes < after && Date.now() < end;)
    await page.waitForTimeout(50);
  drawing = false;
  await drawLoop;
  t.step('import while training and drawing');
  console.log(`heap ${(heapBefore / 1048576).toFixed(0)} MB → ${(heapAfter / 1048576).toFixed(0)} MB ` +
              `during training; ${strokes} strokes drawn meanwhile`);
  assert.ok(heapAfter > heapBefore, 'memory did not grow: the test does not test what it says');
  assert.ok(strokes >= 3, 'the Draw pad took no strokes after the memory grew');

  // The imported data is all there.
  assert.equal(c.side, SIDE);
  assert.match(c.dataset_description, /^big, 12,000 images of 48×48$/);

  // The Draw pad still shows this model's output for the drawing (a stale view would show
  // zeros or garbage, or throw).
  await parkMouse(page);
  await frames(page, 4);
  const check = await page.evaluate(() => {
    const d = window.dae.drawPanel();
    return { drawn: Array.from(d.drawn), denoised: Array.from(d.denoised), noisy: Array.from(d.noisy), side: d.side };
  });
  assert.ok(check.drawn.some((v) => v > 0.5), 'the strokes did not reach the canvas');
  assert.equal(check.denoised.length, check.drawn.length);
  const ink = check.drawn.reduce((s, v) => s + v, 0);
  console.log(`drawing: ${ink.toFixed(0)} ink; denoised range ` +
              `${Math.min(...check.denoised).toFixed(3)}..${Math.max(...check.denoised).toFixed(3)}`);

  // The run finishes on the data it started with; its model downloads whole.
  const st = await waitFor(page, () => {
    const s = window.dae.status();
    return s.training || s.paused ? null : s;
  }, null, { timeout: 240000, interval: 500, what: 'the run to finish' });
  assert.equal(st.state, 'finished', `run ended as ${st.state}: ${st.error}`);
  assert.equal(st.dataset, 'mnist');
  const last = st.history[st.history.length - 1];
  assert.ok(last.val_psnr > st.noisy_psnr, `no gain: ${last.val_psnr} vs noisy ${st.noisy_psnr}`);
  const bytes = Buffer.from(await page.evaluate(() => Array.from(window.dae.downloadModel())));
  const n = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
  const end = Math.max(...Object.entries(header).filter(([k]) => k !== '__metadata__')
    .map(([, v]) => v.data_offsets[1]));
  assert.equal(bytes.length, 8 + n + end, 'the downloaded model is cut short');

  // The Draw pad's output equals the model applied to the pad's noisy input (through the heap).
  await frames(page, 3);
  const again = await page.evaluate(() => {
    const d = window.dae.drawPanel();
    return { noisy: Array.from(d.noisy), denoised: Array.from(d.denoised),
             direct: Array.from(window.dae.denoise(Float32Array.from(d.noisy))) };
  });
  const diff = maxAbsDiff(again.denoised, again.direct);
  console.log(`Draw pad vs dae.denoise(noisy) after growth: max |diff| ${diff.toExponential(2)}`);
  assert.ok(diff < 1e-6, 'the Draw pad does not show the model output after memory grew');
  await app.screenshot(path.join(buildDir, 'screenshot-memory.png'));
  t.step('checks');
  t.report('e2e_memory');
});
