// Readable views (issue 9, "Readable views"), with the real mouse:
//  * the Keras summary (copied with its Copy button) folds each convolution's activation into
//    its row as Keras prints Conv2D(..., activation='relu'): no ReLU rows, 74,497 parameters;
//  * the Draw panel re-noises at once when the noise changes (no stroke needed): salt and pepper
//    sets pixels to 0 or 1 only, Gaussian gives grey levels;
//  * two runs overlaid in the Loss plot: each run's train and val are told apart by style
//    (train dashed, val solid) and the runs by colour, all named in the legend;
//  * Inspect works for the dense preset: the first Dense layer's units as image tiles, a flat
//    layer's output as one strip;
//  * after that run the Training panel suggests preset best; "Use best" selects it with its own
//    training settings (issue 10).
// Screenshots: build/wasm/e2e-views-loss.png, e2e-views-dense.png.
//   node tests/e2e/test_views.mjs [--site build/wasm/site]

import path from 'node:path';
import { runE2E, buildDir } from './harness.mjs';
import { assert, waitFor, clickWidget, parkMouse, frames, timer, texts, trainAndWait } from './util.mjs';

const RUN = { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 2, batch: 64, train: 1024, val: 128 };

const t = timer();
await runE2E('views', async (app) => {
  const page = app.page;
  await parkMouse(page);

  // The Keras summary, copied.
  await clickWidget(page, 'tab_model');
  await clickWidget(page, 'preset_seed');
  await clickWidget(page, 'keras_summary');
  await clickWidget(page, 'copy_keras_summary');
  const summary = await page.evaluate(() => window.dae.clipboard());
  const rows = summary.split('\n').filter((l) => /\((Conv2D|ReLU|Activation|MaxPooling2D|UpSampling2D)\)/.test(l));
  console.log(`Keras summary: ${rows.length} layer rows, e.g. "${rows[0].replace(/\s+/g, ' ').trim()}"`);
  assert.equal(rows.filter((l) => /ReLU|Activation/.test(l)).length, 0, 'the summary lists activation rows');
  assert.equal(rows.filter((l) => /\(Conv2D\)/.test(l)).length, 5);
  assert.match(summary, /Total params: 74,497/);
  await clickWidget(page, 'keras_close');
  t.step('summary');

  // The Draw panel re-noises when the noise changes.
  await clickWidget(page, 'tab_data');
  const stroke = new Array(784).fill(0).map((_, i) => ((i % 28) > 9 && (i % 28) < 15 && i > 150 && i < 650 ? 1 : 0.4 * ((i % 28) === 20)));
  await page.evaluate((v) => window.dae.setDrawing(new Float32Array(v)), stroke);
  await frames(page, 3);
  const noisy = async () => Array.from((await page.evaluate(() => window.dae.drawPanel())).noisy);
  const g1 = await noisy();
  await clickWidget(page, 'noise_sp');
  const sp = await noisy();
  const changed = sp.filter((v, i) => Math.abs(v - g1[i]) > 1e-6).length;
  assert.ok(changed > 100, `salt and pepper changed ${changed} noisy pixels only`);
  const bad = sp.filter((v, i) => v !== 0 && v !== 1 && Math.abs(v - stroke[i]) > 1e-6).length;
  assert.equal(bad, 0, 'salt-and-pepper pixels that are neither 0, 1 nor the drawing');
  await clickWidget(page, 'noise_gaussian');
  const g2 = await noisy();
  const grey = g2.filter((v) => v > 0.05 && v < 0.95).length;
  assert.ok(grey > 100, `Gaussian noise gave ${grey} grey pixels`);
  console.log(`Draw re-noised without a stroke: s&p changed ${changed} pixels (all 0/1/drawing), Gaussian back: ${grey} grey`);
  t.step('draw re-noise');

  // Two runs overlaid: styles and colours in the legend.
  await trainAndWait(page, { ...RUN, seed: 1 });
  await trainAndWait(page, { ...RUN, seed: 2, lr: 0.002 });
  await clickWidget(page, 'tab_experiments');
  await clickWidget(page, 'overlay_all');
  await parkMouse(page);
  await frames(page, 3);
  const legend = (await texts(page)).loss_legend.text;
  console.log(`legend: ${legend}`);
  const entry = (name) => {
    const m = legend.match(new RegExp(`${name}: (solid|dashed) (#[0-9a-f]{6})`));
    assert.ok(m, `no legend entry '${name}'`);
    return { style: m[1], color: m[2] };
  };
  for (const id of [1, 2]) {
    assert.equal(entry(`#${id} val`).style, 'solid');
    assert.equal(entry(`#${id} train`).style, 'dashed');
  }
  assert.notEqual(entry('#1 val').color, entry('#2 val').color, 'the two runs have one colour');
  await app.screenshot(path.join(buildDir, 'e2e-views-loss.png'));
  t.step('loss legend');

  // Inspect the dense preset.
  await trainAndWait(page, { ...RUN, arch: 'dense', epochs: 1, seed: 3 });
  await clickWidget(page, 'tab_inspect');
  const filt = await waitFor(page, () => { const x = window.dae.texts().inspect_filters; return x && /Dense/.test(x.text) ? x.text : null; }, null,
                             { what: 'the dense model\'s first-layer view' });
  console.log(`Inspect (dense): "${filt}"`);
  assert.match(filt, /First Dense layer: each unit's weights 128 × 28×28/);
  await waitFor(page, () => window.dae.rect('fmap_strip'), null, { what: 'the flat layer as one strip' });
  await app.screenshot(path.join(buildDir, 'e2e-views-dense.png'));
  t.step('inspect dense');

  // After a finished run of another model the Training panel suggests best; one click selects
  // it with its own training settings.
  const next = await waitFor(page, () => window.dae.texts().training_next, null, { what: 'the "Try this next" line' });
  console.log(`suggestion: "${next.text}"`);
  await clickWidget(page, 'use_best');
  const c = await page.evaluate(() => window.dae.config());
  assert.deepEqual([c.preset, c.epochs, c.batch, c.lr], ['best', 4, 16, 0.0015], 'Use best did not set the preset and its settings');
  t.step('use best');
  t.report('e2e_views');
});
