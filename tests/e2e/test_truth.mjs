// Every line true (issue 25, items 6, 8 and 9), with the real mouse:
//  * a click on Train, the pointer resting on the button: no tooltip covers the progress bar
//    and the ETA while the run trains (it stayed for the whole run);
//  * during a run's first epoch Results gives no "Collapsed" verdict, although the young model's
//    outputs are alike (the detector says so): there has been no validation yet;
//  * a run stopped with the Stop button in its first epoch is "partly trained (k of n steps of
//    epoch 1)" in Results and Files, not "untrained", and its rate is not "0 images/s";
//  * the model downloaded from the Runs table carries the noisy input's scores: uploaded again,
//    Files shows a number for them, not "noisy nan";
//  * a click on the noise slider keeps a value of two decimals ("gaussian:0.49", not
//    "gaussian:0.4895911");
//  * From scratch: the loss plot no longer shows the last run's curves, and says why;
//  * a progress line longer than the bar (a phone) is cut at its end, not at its beginning.
// Screenshot: build/wasm/e2e-truth-stopped.png (a run stopped in epoch 1).
//   node tests/e2e/test_truth.mjs [--site build/wasm/site]

import fs from 'node:fs';
import path from 'node:path';
import { runE2E, buildDir } from './harness.mjs';
import {
  assert, waitFor, clickWidget, parkMouse, frames, timer, trainAndWait, texts, waitForText, safetensorsMetadata,
} from './util.mjs';

const SHORT = { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 1, batch: 64, train: 1024, val: 128 };
const LONG = { ...SHORT, epochs: 2, batch: 32, train: 8192 };  // 256 steps an epoch

const t = timer();
await runE2E('truth', async (app, { tmp }) => {
  const page = app.page;
  const popups = async () => (await page.evaluate(() => window.dae.layout())).windows.filter((x) => x.popup);
  t.step('load');

  // Run #1: short and finished (its file is downloaded from Runs below).
  await trainAndWait(page, SHORT);
  t.step('run 1');

  // Run #2 started with a click on Train; the pointer stays on the button.
  await page.evaluate((c) => window.dae.configure(c), LONG);
  await clickWidget(page, 'train');
  await waitFor(page, () => { const s = window.dae.status(); return s.run_id === 2 && s.training && s.step >= 6; }, null,
                { what: 'run #2 to train a few steps' });
  await frames(page, 20);  // longer than a tooltip's delay
  assert.deepEqual(await popups(), [], 'a tooltip covers the Train panel while the run trains');
  console.log('no tooltip over the progress bar after clicking Train');

  // The young model's results: alike outputs, but no verdict before the first validation.
  await clickWidget(page, 'tab_results');
  await waitFor(page, () => (window.dae.results() || []).length > 0 && window.dae.status().epoch === 0, null,
                { what: 'results of the young model' });
  const rawCollapsed = await page.evaluate(() => window.dae.resultsCollapsed());
  assert.equal((await texts(page)).results_collapsed, undefined,
               `Results says "Collapsed" during the first epoch (detector: ${rawCollapsed})`);
  console.log(`first epoch: no verdict in Results (the detector alone says collapsed=${rawCollapsed})`);

  // Stop in epoch 1, with the mouse.
  await clickWidget(page, 'stop');
  await waitFor(page, () => !window.dae.status().training, null, { what: 'Stop' });
  const st = await page.evaluate(() => window.dae.status());
  assert.equal(st.epoch, 0, 'run #2 finished an epoch before Stop');
  await parkMouse(page);
  await frames(page, 3);
  const partly = /partly trained \((\d+) of 256 steps of epoch 1\)/;
  await waitForText(page, 'results_model', partly);
  let tx = await texts(page);
  assert.ok(!/untrained/.test(tx.results_model.text), `Results: ${tx.results_model.text}`);
  const rate = tx.training_rate.text.match(/\(([\d,]+) images\/s\)/);
  assert.ok(rate && Number(rate[1].replace(/,/g, '')) > 0, `a stopped run's rate: "${tx.training_rate.text}"`);
  assert.equal(tx.results_collapsed, undefined, 'a run stopped before its first validation is called collapsed');
  await app.screenshot(path.join(buildDir, 'e2e-truth-stopped.png'));
  await clickWidget(page, 'tab_files');
  await waitForText(page, 'files_model', partly);
  console.log(`stopped in epoch 1: "${tx.results_model.text}", ${tx.training_rate.text}`);
  t.step('young run');

  // Run #1's model from the Runs table, uploaded again: the noisy input's scores are known.
  await clickWidget(page, 'tab_experiments');
  await clickWidget(page, 'run_1');
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), clickWidget(page, 'download_run_model')]);
  const file = path.join(tmp, d.suggestedFilename());
  await d.saveAs(file);
  const bytes = fs.readFileSync(file);
  const meta = safetensorsMetadata(bytes);
  assert.ok(meta.baseline, `the file from Runs has no baseline: ${Object.keys(meta)}`);
  const name = 'run1-of-the-worksheet-study.safetensors';
  await page.evaluate(([b, n]) => window.dae.uploadModel(new Uint8Array(b), n), [Array.from(bytes), name]);
  await clickWidget(page, 'tab_files');
  await waitForText(page, 'files_scores', /^val PSNR \d+\.\d\d dB \(noisy \d+\.\d\d\)/);
  tx = await texts(page);
  assert.ok(!/nan/i.test(tx.files_scores.text), tx.files_scores.text);
  console.log(`uploaded from Runs: ${tx.files_scores.text}`);
  t.step('download');

  // A phone: the progress line (the uploaded model's long description) is cut at its end, so
  // it still says what it is about.
  await page.setViewportSize({ width: 390, height: 844 });
  await frames(page, 5);
  await clickWidget(page, 'tab_train');
  await parkMouse(page);
  await frames(page, 3);
  tx = await texts(page);
  const bar = (tx.training_progress_cut || tx.training_progress).text;
  assert.ok(bar.startsWith('uploaded file ' + name.slice(0, 10)) && bar.endsWith('…'),
            `the progress line on a phone: "${bar}"`);
  console.log(`phone progress line: "${bar}"`);
  await page.setViewportSize({ width: 1280, height: 800 });
  await frames(page, 5);
  t.step('phone');

  // The noise slider, clicked where the pointer lands: a value of two decimals.
  await clickWidget(page, 'tab_data');
  await clickWidget(page, 'noise_amount');
  const noise = (await page.evaluate(() => window.dae.config())).noise;
  assert.match(noise, /^gaussian:\d(\.\d{1,2})?$/, `the noise slider kept ${noise}`);
  console.log(`noise slider: ${noise}`);

  // From scratch: no curves of another model.
  await clickWidget(page, 'reset');
  await parkMouse(page);
  await waitForText(page, 'loss_empty', /not a run/);
  tx = await texts(page);
  assert.equal((tx.loss_legend || { text: '' }).text, '', `the loss plot still shows: ${tx.loss_legend && tx.loss_legend.text}`);
  console.log('From scratch: the loss plot says the model is not a run');
  t.step('noise, scratch');
  t.report('truth');
}, {
  onFailure: async (app) => console.error(`texts: ${JSON.stringify(await app.page.evaluate(() => window.dae.texts()))}`),
});
