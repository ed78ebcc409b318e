// Value at once, and saying what happened (issue 8), with the real mouse and keyboard:
//  * a first visit (no autosave) has the bundled pretrained model: a digit drawn with the mouse
//    is denoised at once (closer to the drawing than its noisy version), and the three-step
//    first-run hint is on screen;
//  * one click ("From scratch") gives an untrained model;
//  * a value typed out of range (learning rate 1000, epochs 0) is clamped and says so right
//    under its field;
//  * a good run is green; a collapsed run (every output the same blob) is red and flagged in
//    Training and Results, even where its PSNR rose;
//  * uploading a file that is not a model leads with "This is not a dae model file, or it is
//    damaged", then the detail, and changes nothing.
// Screenshots: build/wasm/screenshot-first-visit.png, screenshot-clamped.png, screenshot-collapsed.png.
//   node tests/e2e/test_first_visit.mjs [--site build/wasm/site]

import fs from 'node:fs';
import path from 'node:path';
import { runE2E, buildDir } from './harness.mjs';
import { assert, waitFor, rectOf, clickWidget, parkMouse, frames, mse, maxAbsDiff, fixedImage, timer, trainAndWait, texts, waitForText, drawSeven } from './util.mjs';

const t = timer();
await runE2E('first_visit', async (app, { tmp }) => {
  const page = app.page;
  const status = () => page.evaluate(() => window.dae.status());
  const config = () => page.evaluate(() => window.dae.config());

  // The pretrained model and the hint.
  let st = await status();
  assert.equal(st.model.source, 'bundled', st.model.description);
  assert.equal(st.runs, 0);
  assert.ok((await config()).hint_shown, 'no first-run hint');
  const hint = await rectOf(page, 'first_run_hint');
  const plot = await rectOf(page, 'loss_plot');
  assert.ok(hint.y >= plot.y && hint.y < plot.y + plot.height, 'the hint is not in the loss plot');
  await parkMouse(page);
  await frames(page, 3);
  await app.screenshot(path.join(buildDir, 'screenshot-first-visit.png'));

  // A "7" drawn with the mouse is denoised by the pretrained model at once.
  const d = await drawSeven(page);
  const mNoisy = mse(d.noisy, d.drawn), mDen = mse(d.denoised, d.drawn);
  console.log(`first visit: ${st.model.description}; a drawn 7: MSE to the drawing noisy ${mNoisy.toFixed(4)}, denoised ${mDen.toFixed(4)}`);
  assert.ok(d.drawn.filter((v) => v > 0.5).length >= 20, 'the stroke left no ink');
  assert.ok(mDen < mNoisy * 0.5, 'the pretrained model does not denoise the drawing');
  t.step('first visit');

  // Devanagari chosen with the mouse: the bundled model follows the dataset (a 32×32 model
  // trained on the bundled subset), and back.
  const bundledPacks = await page.evaluate(() => fetch('datasets.json').then((r) => r.json()));
  if (bundledPacks.packs.some((p) => p.name === 'dhcd')) {
    for (const [want, side] of [['dhcd', 32], ['mnist', 28]]) {
      await clickWidget(page, 'dataset');
      await clickWidget(page, `dataset_${want}`);
      await waitFor(page, (w) => { const s = window.dae.status(); return s.dataset === w[0] && s.input === w[1] && s.model.source === 'bundled'; },
                    [want, side], { timeout: 30000, what: `the bundled ${want} model` });
      st = await status();
      assert.match(st.model.description, new RegExp(`on ${want}`));
      await frames(page, 2);  // the model arrived between frames: the pad follows in the next one
      const p = await page.evaluate(() => window.dae.drawPanel());
      assert.equal(p.drawn.length, side * side, `the Draw pad is not ${side}×${side}`);
      console.log(`dataset ${want} chosen: ${st.model.description}`);
    }
    await parkMouse(page);
  } else {
    console.log('Devanagari not bundled in this build: the dhcd pretrained model is not checked');
  }
  t.step('dataset follows');

  // One click: from scratch.
  const x = fixedImage(28);
  const y0 = await page.evaluate((v) => Array.from(window.dae.denoise(new Float32Array(v))), x);
  await clickWidget(page, 'reset');
  st = await status();
  assert.equal(st.model.source, 'untrained');
  assert.ok(maxAbsDiff(await page.evaluate((v) => Array.from(window.dae.denoise(new Float32Array(v))), x), y0) > 1e-3);
  console.log('one click on From scratch: untrained seed model');

  // Out-of-range values typed with the keyboard: clamped, and said under the field.
  const typeInto = async (field, text) => {
    await clickWidget(page, field);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    await frames(page, 3);
  };
  // (Keys reach ImGui in order, a few per frame: wait for the value, not for a number of frames.)
  await typeInto('field_lr', '1000');
  await waitFor(page, () => window.dae.config().lr !== 0.001, null, { timeout: 15000, what: 'the typed learning rate to be applied' });
  let c = await config();
  assert.equal(c.lr, 10, `lr ${c.lr}`);
  const lrNote = await waitForText(page, 'note_lr', /^learning rate 1000 is out of range: set to 10 /);
  await typeInto('field_epochs', '0');
  await waitFor(page, () => window.dae.config().epochs !== 10, null, { timeout: 15000, what: 'the typed epochs to be applied' });
  c = await config();
  assert.equal(c.epochs, 1);
  const epNote = await waitForText(page, 'note_epochs', /^epochs 0 is out of range: set to 1 /);
  for (const [field, note] of [['field_lr', 'note_lr'], ['field_epochs', 'note_epochs']]) {
    const f = await rectOf(page, field), n = await rectOf(page, note);
    const gap = n.y - (f.y + f.height);
    assert.ok(gap >= -1 && gap < 2 * f.height, `${note} is ${gap.toFixed(0)} px below ${field}`);
    assert.ok(n.x < f.x + f.width && n.x + n.width > f.x - 80, `${note} is not next to ${field}`);
    assert.equal((await texts(page))[note].color, 'warn');
  }
  await parkMouse(page);
  await app.screenshot(path.join(buildDir, 'screenshot-clamped.png'));
  console.log(`typed lr 1000 → 10: "${lrNote.text}"; epochs 0 → 1: "${epNote.text}"`);
  t.step('clamped');

  // A good run: green. A collapsed run: red and flagged.
  const run = { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 1, batch: 64, train: 4096, val: 256, seed: 3, lr: 0.002 };
  await trainAndWait(page, run);
  await clickWidget(page, 'tab_results');
  await parkMouse(page);
  assert.equal((await waitForText(page, 'training_scores', /^val PSNR/)).color, 'good');
  assert.equal((await waitForText(page, 'results_means', /^PSNR/)).color, 'good');
  const good = await texts(page);
  assert.equal(good.training_verdict, undefined);
  const bad = await trainAndWait(page, { ...run, lr: 0.05 });
  const rec = (await page.evaluate(() => window.dae.runs())).runs.at(-1);
  assert.equal(rec.collapsed, true, `lr 0.05 did not collapse: SSIM ${bad.noisy_ssim.toFixed(3)} → ${bad.val_ssim.toFixed(3)}`);
  await parkMouse(page);
  const sc = await waitForText(page, 'training_scores', /^val PSNR/);
  assert.equal(sc.color, 'bad');
  const verdict = (await waitForText(page, 'training_verdict', /^Collapsed/)).text;
  assert.match(verdict, /same blob.*Lower the learning rate/, 'a collapse at lr 0.05 does not advise a lower rate');
  assert.match((await waitForText(page, 'results_collapsed', /^Collapsed/)).text, /nearly all the same/);
  assert.equal((await texts(page)).results_means.color, 'bad');
  await app.screenshot(path.join(buildDir, 'screenshot-collapsed.png'));
  console.log(`good run: "${good.training_scores.text}" (green); collapsed run (lr 0.05): "${sc.text}" (red), ` +
              `PSNR ${bad.val_psnr > bad.noisy_psnr ? 'rose' : 'fell'}, flagged in Training and Results`);
  t.step('colours');

  // A file that is not a model: a plain sentence first, the detail after, nothing changed.
  const y1 = await page.evaluate((v) => Array.from(window.dae.denoise(new Float32Array(v))), x);
  await clickWidget(page, 'tab_files');
  const junk = path.join(tmp, 'notes.safetensors');
  fs.writeFileSync(junk, 'these are my notes, not a model\n'.repeat(20));
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 15000 }), clickWidget(page, 'upload_model')]);
  await chooser.setFiles(junk);
  const err = await waitForText(page, 'files_error', /./);
  assert.match(err.text, /^This is not a dae model file, or it is damaged: \S.*\(notes\.safetensors\)$/);
  assert.equal(err.color, 'bad');
  assert.equal(maxAbsDiff(await page.evaluate((v) => Array.from(window.dae.denoise(new Float32Array(v))), x), y1), 0,
               'a refused file changed the model');
  console.log(`bad upload: "${err.text}"`);
  t.step('bad upload');
  t.report('e2e_first_visit');
});
