// One source of truth (issue 8): the header, Training, Results, Draw and Files always describe
// the model in memory, and Download names and describes that model. The issue's sequences:
//  * finish a run, finish another, click From scratch, delete that run (dialog clicked): every
//    panel says "untrained seed model", Training shows no scores, Results are red, and Download
//    saves a file named and described as untrained (0 epochs);
//  * upload the first run's file (the file chooser): every panel says "uploaded file …", the
//    Training scores are that file's (not the latest run's), and Download passes them on.
// Screenshots: build/wasm/screenshot-status-untrained.png, screenshot-status-uploaded.png.
//   node tests/e2e/test_status.mjs [--site build/wasm/site]

import fs from 'node:fs';
import path from 'node:path';
import { runE2E, buildDir } from './harness.mjs';
import {
  assert, waitFor, clickWidget, parkMouse, frames, timer, trainAndWait, texts, waitForText, dialogTitle,
  safetensorsMetadata,
} from './util.mjs';

const RUN = { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 1, batch: 64, train: 1024, val: 128 };

// Every panel's sentence about the model in memory matches `re` (Files is shown for the check).
async function allSay(page, re, what) {
  await clickWidget(page, 'tab_results');
  await parkMouse(page);
  for (const id of ['header_model', 'training_progress', 'results_model', 'draw_model']) await waitForText(page, id, re);
  await clickWidget(page, 'tab_files');
  await waitForText(page, 'files_model', re);
  await parkMouse(page);
  await frames(page, 2);
  const tx = await texts(page);
  console.log(`${what}: ${['header_model', 'training_progress', 'results_model', 'draw_model', 'files_model']
    .map((k) => `${k} "${tx[k].text}"`).join('; ')}`);
  return tx;
}

async function downloadModel(page, tmp) {
  const [d] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), clickWidget(page, 'download_model')]);
  const file = path.join(tmp, 'got-' + d.suggestedFilename());
  await d.saveAs(file);
  const bytes = fs.readFileSync(file);
  return { name: d.suggestedFilename(), bytes, meta: safetensorsMetadata(bytes) };
}

const t = timer();
await runE2E('status', async (app, { tmp }) => {
  const page = app.page;
  const status = () => page.evaluate(() => window.dae.status());
  t.step('load');

  // Run #1 finishes; its file is kept for the upload below.
  const s1 = await trainAndWait(page, { ...RUN, seed: 11 });
  const file1 = path.join(tmp, 'my-model.safetensors');
  fs.writeFileSync(file1, Buffer.from(await page.evaluate(() => Array.from(window.dae.downloadModel()))));
  // Run #2 finishes too, with other scores.
  const s2 = await trainAndWait(page, { ...RUN, seed: 12, lr: 3e-3 });
  assert.notEqual(s1.val_psnr.toFixed(2), s2.val_psnr.toFixed(2), 'both runs scored the same: the check below could not tell them apart');
  await waitForText(page, 'training_progress', /^run #2 finished/);
  t.step('two runs');

  // From scratch, then delete run #2 (asked: its model exists only here).
  await clickWidget(page, 'reset');
  await clickWidget(page, 'tab_experiments');
  await clickWidget(page, 'run_2');
  await clickWidget(page, 'delete_run');
  assert.equal(await dialogTitle(page), 'Delete run #2?');
  await clickWidget(page, 'confirm_1');
  await waitFor(page, () => window.dae.runs().runs.length === 1, null, { what: 'run #2 to be deleted' });
  let st = await status();
  assert.equal(st.model.source, 'untrained');
  assert.equal(st.model.epochs, 0);
  assert.equal(st.model.description, 'untrained seed model');
  let tx = await allSay(page, /^(denoised by )?untrained seed model$/, 'after finish, finish, From scratch, delete');
  assert.equal(tx.training_scores, undefined, `Training still shows scores: ${JSON.stringify(tx.training_scores)}`);
  assert.match(tx.results_whole.text, /come with the model's first epoch/);
  assert.equal(tx.results_means.color, 'bad', `an untrained model's results are shown ${tx.results_means.color}`);
  await app.screenshot(path.join(buildDir, 'screenshot-status-untrained.png'));
  let d = await downloadModel(page, tmp);
  assert.equal(d.name, 'dae-untrained-seed.safetensors');
  assert.equal(d.meta.source, 'untrained seed model');
  assert.equal(d.meta.epochs_done, '0');
  console.log(`Download: ${d.name}, metadata source "${d.meta.source}", epochs_done ${d.meta.epochs_done}`);
  t.step('untrained');

  // Upload run #1's file through the file chooser.
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 15000 }), clickWidget(page, 'upload_model')]);
  await chooser.setFiles(file1);
  await waitFor(page, () => window.dae.status().model.source === 'uploaded', null, { what: 'the upload' });
  st = await status();
  assert.equal(st.model.file, 'my-model.safetensors');
  assert.equal(st.model.epochs, 1);
  assert.equal(st.model.val_psnr, s1.val_psnr, 'the uploaded model does not carry its scores');
  const re = /^(denoised by )?uploaded file my-model\.safetensors · seed · 1 epoch on mnist \(gaussian:0\.5\)$/;
  tx = await allSay(page, re, 'after the upload');
  assert.match(tx.files_message.text, /^loaded my-model\.safetensors: uploaded file my-model\.safetensors/);
  // The Training scores are the file's (run #1's), not those of run #1 as the latest run nor #2's.
  await waitForText(page, 'training_scores', new RegExp(`^val PSNR ${s1.val_psnr.toFixed(2)} dB`));
  assert.ok(!tx.training_scores.text.includes(s2.val_psnr.toFixed(2)));
  assert.match(tx.results_whole.text, new RegExp(`\\(its file\\): PSNR ${s1.noisy_psnr.toFixed(2)} → ${s1.val_psnr.toFixed(2)} dB`));
  await app.screenshot(path.join(buildDir, 'screenshot-status-uploaded.png'));
  d = await downloadModel(page, tmp);
  assert.equal(d.name, 'my-model.safetensors');
  assert.equal(d.meta.source, 'uploaded file my-model.safetensors · seed · 1 epoch on mnist (gaussian:0.5)');
  assert.equal(d.meta.epochs_done, '1');
  assert.equal(JSON.parse(d.meta.history).at(-1).val_psnr, s1.val_psnr, 'Download dropped the file\'s history');
  console.log(`Download: ${d.name}, metadata source "${d.meta.source}", history passed on`);
  t.step('uploaded');

  t.report('e2e_status');
}, {
  onFailure: async (app) => console.error(`texts: ${JSON.stringify(await app.page.evaluate(() => window.dae.texts()))}`),
});
