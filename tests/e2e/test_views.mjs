// Readable views (issue 9, "Readable views"), with the real mouse:
//  * the Keras summary (copied with its Copy button) folds each convolution's activation into
//    its row as Keras prints Conv2D(..., activation='relu'): no ReLU rows, 74,497 parameters;
//  * the Draw panel re-noises at once when the noise changes (no stroke needed): salt and pepper
//    sets pixels to 0 or 1 only, Gaussian gives grey levels; a dataset of another size gives a
//    canvas and noisy image of that size at once;
//  * two runs overlaid in the Loss plot: each run's train and val are told apart by style
//    (train dashed, val solid) and the runs by colour, all named in the legend;
//  * each axis of the Loss plot has one number format (linear and log scale: same decimals on
//    every label, evenly spaced or 1-2-5 decades), and the first and last epochs' markers lie
//    whole inside the axes (a 1-epoch run too), and the legend off the axes;
//  * the Copy buttons of Results and Runs copy the numbers shown (per-image PSNR/SSIM whose mean
//    is the shown mean; the runs table with lr, batch, loss and seed), and the Runs table
//    shows lr, batch, loss and seed columns without any right-click;
//  * a slider's value sits beside its track, never under its grab (the Brush slider dragged to
//    both ends with the mouse; every slider on screen);
//  * Inspect works for the dense preset: the first Dense layer's units as image tiles, a flat
//    layer's output as one strip;
//  * after that run the Training panel suggests preset best; "Use best" selects it with its own
//    training settings (issue 10).
// Screenshots: build/wasm/e2e-views-loss.png, e2e-views-dense.png.
//   node tests/e2e/test_views.mjs [--site build/wasm/site]

import path from 'node:path';
import { runE2E, buildDir } from './harness.mjs';
import { assert, waitFor, clickWidget, parkMouse, frames, timer, texts, trainAndWait, rectOf } from './util.mjs';

const RUN = { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 2, batch: 64, train: 1024, val: 128 };


// One number format per axis: the same decimals on every label, values increasing, evenly
// spaced (linear) or whole multiples of powers of ten (log: 1-2-5 decades, or 0.2 0.3 0.4 …).
function checkTicks(text, what, log) {
  const labels = text.split(' ');
  assert.ok(labels.length >= 3, `${what}: ${labels.length} tick labels ("${text}")`);
  const decimals = new Set(labels.map((l) => (l.split('.')[1] || '').length));
  assert.equal(decimals.size, 1, `${what}: mixed formats "${text}"`);
  const v = labels.map(Number);
  assert.ok(v.every((x, i) => Number.isFinite(x) && (i === 0 || x > v[i - 1])), `${what}: not increasing "${text}"`);
  const d = v[1] - v[0];
  const even = v.every((x, i) => i === 0 || Math.abs(x - v[i - 1] - d) <= d * 1e-6);
  const lead = (x) => x / 10 ** Math.floor(Math.log10(x) + 1e-9);  // 0.3 → 3
  const decades = v.every((x) => x > 0 && Math.abs(lead(x) - Math.round(lead(x))) < 1e-6);
  assert.ok(even || (log && decades), `${what}: neither evenly spaced nor ${log ? 'multiples of powers of ten' : ''} "${text}"`);
  return labels;
}

// The first and last markers of the run on show lie whole inside the plot's axes; the legend
// lies off them.
async function checkEdgeMarkers(page, what) {
  await frames(page, 2);
  const r = await page.evaluate(() => window.dae.rects());
  const ax = r.loss_axes;
  assert.ok(ax, 'no loss axes on screen');
  for (const id of ['loss_val_first', 'loss_val_last', 'loss_train_first', 'loss_train_last']) {
    const m = r[id];
    assert.ok(m, `${what}: no ${id} marker`);
    assert.ok(m.x >= ax.x && m.y >= ax.y && m.x + m.width <= ax.x + ax.width && m.y + m.height <= ax.y + ax.height,
              `${what}: ${id} ${JSON.stringify(m)} is cut by the axes ${JSON.stringify(ax)}`);
  }
  const lg = r.loss_legend;
  assert.ok(lg, `${what}: no legend`);
  const apart = lg.x >= ax.x + ax.width || lg.x + lg.width <= ax.x || lg.y >= ax.y + ax.height || lg.y + lg.height <= ax.y;
  assert.ok(apart, `${what}: the legend ${JSON.stringify(lg)} lies on the axes ${JSON.stringify(ax)}`);
  return ax.x + ax.width - (r.loss_val_last.x + r.loss_val_last.width);
}

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

  // The Code section: the model in memory (the bundled seed model) as Keras and PyTorch code,
  // copied with the mouse (the panel scrolled down to it by the wheel).
  const box = await rectOf(page, 'preset_seed');
  await page.mouse.move(box.x + 5, box.y + 5);
  for (let i = 0; i < 30; i++) {
    const r = await page.evaluate(() => window.dae.rect('copy_code'));
    if (r && r.height > 10 && r.y + r.height < page.viewportSize?.().height) break;
    await page.mouse.wheel(0, 120);
    await frames(page, 2);
  }
  await clickWidget(page, 'copy_code');
  const keras = await page.evaluate(() => window.dae.clipboard());
  assert.equal((keras.match(/layers\.Conv2D\(/g) || []).length, 5, `Keras code:\n${keras}`);
  assert.match(keras, /Conv2D\(32, \(3, 3\), activation='relu', padding='same'\)/);
  assert.match(keras, /compile\(optimizer=keras\.optimizers\.Adam\(learning_rate=0\.001\), loss='binary_crossentropy'\)/);
  await clickWidget(page, 'code_pytorch');
  await clickWidget(page, 'copy_code');
  const torch = await page.evaluate(() => window.dae.clipboard());
  assert.match(torch, /nn\.Sequential\(/);
  assert.match(torch, /nn\.Conv2d\(1, 32, 3, padding=1\)/);
  assert.match(torch, /seed-mnist\.safetensors|\.safetensors/);
  console.log(`code: Keras ${keras.split('\n').length} lines, PyTorch ${torch.split('\n').length} lines`);
  t.step('code');

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
  // A dataset of another size (no model yet; the page then loads its pretrained 32×32 model):
  // the canvas takes its size and noisy follows at once.
  await page.evaluate(() => window.dae.loadDataset('dhcd'));
  await page.evaluate(() => window.dae.configure({ dataset: 'dhcd' }));
  const dh = await waitFor(page, () => { const p = window.dae.drawPanel(); return p.side === 32 && p.noisy.length === 1024 ? p : null; }, null,
                           { what: 'the Draw panel to follow the 32×32 dataset' });
  assert.ok(Array.from(dh.noisy).some((v) => v > 0.05 && v < 0.95), 'the 32×32 noisy image has no noise');
  await page.evaluate(() => window.dae.configure({ dataset: 'mnist' }));
  console.log('Draw followed a dataset change: 32×32 noisy at once');
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

  // Tick labels: one format per axis, on the log scale (the default) and the linear one.
  const tx = await texts(page);
  const logY = checkTicks(tx.loss_y_ticks.text, 'log y', true);
  const xs = checkTicks(tx.loss_x_ticks.text, 'x', false);
  assert.equal(xs[0], '0');
  await clickWidget(page, 'log_scale');
  await parkMouse(page);
  await frames(page, 3);
  const linY = checkTicks((await texts(page)).loss_y_ticks.text, 'linear y', false);
  await clickWidget(page, 'log_scale');
  await parkMouse(page);
  console.log(`ticks: log y "${logY.join(' ')}", linear y "${linY.join(' ')}", x "${xs.join(' ')}"`);
  const gap2 = await checkEdgeMarkers(page, '2 epochs');
  t.step('ticks and edges');

  // Copy: the results numbers and the runs table.
  await clickWidget(page, 'tab_results');
  await clickWidget(page, 'copy_results');
  const res = (await page.evaluate(() => window.dae.clipboard())).trim().split('\n');
  assert.match(res[0], /^image\tPSNR noisy\tPSNR denoised\tSSIM noisy\tSSIM denoised$/);
  const cells = res.slice(1).filter((l) => /^\d+\t/.test(l)).map((l) => l.split('\t').map(Number));
  assert.ok(cells.length >= 4, `${cells.length} result rows copied`);
  const mean = (k) => cells.reduce((acc, c) => acc + c[k], 0) / cells.length;
  const shownMeans = (await texts(page)).results_means.text;
  const want = `PSNR ${mean(1).toFixed(2)} → ${mean(2).toFixed(2)} dB · SSIM ${mean(3).toFixed(3)} → ${mean(4).toFixed(3)}`;
  assert.equal(shownMeans, want, 'the copied rows do not average to the means shown');
  console.log(`copied ${cells.length} result rows; their means: "${want}"`);
  await clickWidget(page, 'tab_experiments');
  const cols = (await texts(page)).runs_columns.text.split(', ');
  for (const col of ['lr', 'batch', 'loss', 'seed']) assert.ok(cols.includes(col), `the Runs table has no '${col}' column on show: ${cols}`);
  await clickWidget(page, 'copy_runs');
  const csv = (await page.evaluate(() => window.dae.clipboard())).trim().split('\n');
  const head = csv[0].split(',');
  const runs = (await page.evaluate(() => window.dae.runs())).runs;
  assert.equal(csv.length - 1, runs.length, 'one CSV line per run');
  const row = (id) => Object.fromEntries(csv.find((l) => l.startsWith(`${id},`)).split(',').map((v, i) => [head[i], v]));
  const r2 = row(2);
  assert.deepEqual([r2.lr, r2.batch, r2.loss, r2.seed, r2.epochs_done], ['0.002', '64', 'bce', '2', '2'], `run 2 copied as ${JSON.stringify(r2)}`);
  const run2 = runs.find((r) => r.id === 2);
  const psnr2 = run2.history[run2.history.length - 1].val_psnr;
  assert.ok(Math.abs(Number(r2.final_val_psnr) - psnr2) < 1e-3, `copied PSNR ${r2.final_val_psnr} vs the run's ${psnr2}`);
  console.log(`copied the runs table: ${csv.length - 1} runs, run 2 lr ${r2.lr} batch ${r2.batch} loss ${r2.loss} seed ${r2.seed}, PSNR ${r2.final_val_psnr}`);
  t.step('copy');

  // Slider values beside the track: the Brush slider dragged to both ends by its grab.
  const show = async (tab) => { if (await page.evaluate((id) => window.dae.rect(id), tab)) await clickWidget(page, tab); };
  await show('tab_draw');  // (the wide layout shows Draw in a window of its own)
  const track = await rectOf(page, 'slider_brush');
  const cy = track.y + track.height / 2;
  const besideTrack = async (want) => {
    const r = await page.evaluate(() => window.dae.rects());
    const v = r.slider_brush_value, f = r.slider_brush;
    assert.ok(v.x >= f.x + f.width, `the value ${JSON.stringify(v)} overlaps the track ${JSON.stringify(f)}`);
    assert.ok(v.y < f.y + f.height && v.y + v.height > f.y, 'the value is not beside the track');
    assert.equal((await texts(page)).slider_brush_value.text, want);
  };
  await page.mouse.move(track.x + track.width / 2, cy);
  await page.mouse.down();
  for (let k = 1; k <= 5; k++) { await page.mouse.move(track.x + track.width / 2 + k * track.width, cy); await frames(page, 1); }
  await page.mouse.up();
  await frames(page, 2);
  await besideTrack('3.5 px');
  await page.mouse.move(track.x + track.width - 3, cy);
  await page.mouse.down();
  for (let k = 1; k <= 5; k++) { await page.mouse.move(track.x + track.width - 3 - k * track.width, cy); await frames(page, 1); }
  await page.mouse.up();
  await frames(page, 2);
  await besideTrack('0.5 px');
  await page.mouse.move(track.x + track.width / 2, cy);
  await page.mouse.down();
  await page.mouse.move(track.x + track.width * 0.4, cy);
  await frames(page, 1);
  await page.mouse.up();
  await parkMouse(page);
  const sliders = new Set();
  for (const tab of ['tab_draw', 'tab_data', 'tab_train']) {
    await show(tab);
    const r = await page.evaluate(() => window.dae.rects());
    for (const [id, f] of Object.entries(r)) {
      const v = r[`${id}_value`];
      if (!id.startsWith('slider_') || id.endsWith('_value') || !v) continue;
      assert.ok(v.x >= f.x + f.width, `${id}: its value overlaps its track`);
      sliders.add(id);
    }
  }
  assert.ok(sliders.size >= 4, `only ${[...sliders]} seen`);
  console.log(`slider values beside their tracks: Brush at both ends; ${[...sliders].join(', ')} checked`);
  t.step('sliders');

  // Inspect works for every convolutional preset: first-layer filters as tiles, feature maps.
  const seen = [];
  for (const arch of ['seed', 'deep', 'transposed', 'best']) {
    await trainAndWait(page, { ...RUN, arch, epochs: 1, batch: 32, train: 256, val: 64, seed: 4 }, { log: false });
    await show('tab_inspect');
    const f = await waitFor(page, () => { const x = window.dae.texts(); return x.inspect_filters && x.inspect_fmaps &&
                                          window.dae.rect('inspect_filter_tiles') && window.dae.rect('fmap_tiles') ?
                                          [x.inspect_filters.text, x.inspect_fmaps.text] : null; }, null,
                            { what: `Inspect for ${arch}` });
    assert.match(f[0], /^First-layer filters \d+ × 3×3$/, `${arch}: ${f[0]}`);
    assert.match(f[1], /^\d+ channels? of \d+×\d+/, `${arch}: ${f[1]}`);
    seen.push(`${arch}: ${f[0].replace('First-layer filters ', '')} filters, ${f[1].split(',')[0]}`);
  }
  console.log(`Inspect: ${seen.join('; ')}`);
  t.step('inspect presets');

  // Inspect the dense preset.
  await trainAndWait(page, { ...RUN, arch: 'dense', epochs: 1, seed: 3 });
  await clickWidget(page, 'tab_inspect');
  const filt = await waitFor(page, () => { const x = window.dae.texts().inspect_filters; return x && /Dense/.test(x.text) ? x.text : null; }, null,
                             { what: 'the dense model\'s first-layer view' });
  console.log(`Inspect (dense): "${filt}"`);
  assert.match(filt, /First Dense layer: each unit's weights 128 × 28×28/);
  await waitFor(page, () => window.dae.rect('fmap_strip'), null, { what: 'the flat layer as one strip' });
  await show('tab_experiments');
  await clickWidget(page, 'overlay_none');  // the 1-epoch run alone: its only epoch at the right edge
  await parkMouse(page);
  const gap1 = await checkEdgeMarkers(page, '1 epoch');
  assert.ok(gap1 < 10, `the 1-epoch run's point is ${gap1} px from the right edge: not alone on the plot?`);
  console.log(`last val marker's gap to the axes' right edge: ${gap2.toFixed(1)} px (2 epochs), ${gap1.toFixed(1)} px (1 epoch)`);
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
