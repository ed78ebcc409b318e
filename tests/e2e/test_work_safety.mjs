// Never lose a model (issue 8, "Every run keeps its model"), with the real mouse:
//  * two runs; selecting the older one in Runs (row + "Use model") brings its exact model back
//    into Draw, Results and the header, and the Files button downloads that model (named and
//    described as run #1);
//  * "From scratch", "Train new" during a run and uploading a file discard nothing, so they ask
//    nothing: every run still has its model afterwards (same outputs);
//  * autosave never replaces a trained model by an untrained one: From scratch, save, reload —
//    the trained runs come back with their models;
//  * "Delete run" asks first when the model exists only here and offers its download (the dialog
//    is clicked: Cancel keeps the run, "Download its model" downloads it, then Delete deletes);
//    Undo (the button, then Ctrl+Z) brings the run back with its model (issue 25), also after a
//    Delete that asked nothing;
//  * "Forget saved" asks, names the runs whose models were never downloaded and offers to
//    download them all; Undo puts the saved session back (a reload restores it, autosave on);
//    after forgetting again, a reload starts afresh, with autosave still off;
//  * with autosave off, a new run is named as unsaved in Files and leaving asks first (Cancel
//    keeps it); Save now keeps it;
//  * ?fresh (issue 26) starts without the saved session, with autosave off, and asks before
//    Save now or autosave would replace the saved session; leaving it keeps that session whole.
// Screenshots: build/wasm/e2e-undo-delete.png (Runs after a delete), e2e-unsaved.png (Files, autosave
// off, a run not saved).
//   node tests/e2e/test_work_safety.mjs [--site build/wasm/site]

import fs from 'node:fs';
import path from 'node:path';
import { runE2E, buildDir } from './harness.mjs';
import {
  assert, waitFor, clickWidget, parkMouse, frames, maxAbsDiff, fixedImage, timer, trainAndWait, texts,
  waitForText, dialogTitle, safetensorsMetadata,
} from './util.mjs';

const RUN = { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 1, batch: 64, train: 1024, val: 128 };

const t = timer();
await runE2E('work_safety', async (app, { tmp }) => {
  const page = app.page;
  const x = fixedImage(28);
  const denoise = () => page.evaluate((v) => Array.from(window.dae.denoise(new Float32Array(v))), x);
  const status = () => page.evaluate(() => window.dae.status());
  const runs = async () => (await page.evaluate(() => window.dae.runs())).runs;
  const noDialog = async (what) => assert.equal(await dialogTitle(page), null, `${what} asked a question`);
  // Every run recorded so far still has its model, and run #1's gives exactly y1.
  const allRunsKeepModels = async (what) => {
    const rs = await runs();
    assert.ok(rs.every((r) => r.has_model), `${what}: runs without a model: ${JSON.stringify(rs.map((r) => [r.id, r.has_model]))}`);
  };
  const download = async (id) => {
    const [d] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }), clickWidget(page, id)]);
    const file = path.join(tmp, d.suggestedFilename());
    await d.saveAs(file);
    return { name: d.suggestedFilename(), file, bytes: fs.readFileSync(file) };
  };
  t.step('load');

  // Two runs with different outputs.
  await trainAndWait(page, { ...RUN, seed: 1 });
  const y1 = await denoise();
  await page.evaluate(() => window.dae.setDrawing(new Float32Array(784).fill(0).map((_, i) => ((i % 28) > 9 && (i % 28) < 14 ? 1 : 0))));
  await frames(page, 3);
  await trainAndWait(page, { ...RUN, seed: 2, lr: 2e-3 });
  const y2 = await denoise();
  assert.ok(maxAbsDiff(y1, y2) > 1e-3, 'the two runs give the same outputs');
  await frames(page, 3);
  const draw2 = await page.evaluate(() => Array.from(window.dae.drawPanel().denoised));
  const means2 = (await texts(page)).results_means.text;
  t.step('two runs');

  // Select run #1 with the mouse: Runs tab, its row, "Use model".
  await clickWidget(page, 'tab_experiments');
  await clickWidget(page, 'run_1');
  await clickWidget(page, 'use_run_model');
  let st = await status();
  assert.equal(st.model.source, 'run');
  assert.equal(st.model.run_id, 1);
  assert.equal(maxAbsDiff(await denoise(), y1), 0, 'run #1 selected, but its model gives other outputs');
  await clickWidget(page, 'tab_results');  // Results shares its place with Runs in the wide layout
  await parkMouse(page);
  for (const id of ['header_model', 'results_model', 'draw_model']) await waitForText(page, id, /^(denoised by )?run #1 · seed · 1 epoch on mnist/);
  await waitForText(page, 'training_progress', /^run #1 finished · 1\/1 epochs/);
  const draw1 = await page.evaluate(() => { const p = window.dae.drawPanel(); return { noisy: Array.from(p.noisy), denoised: Array.from(p.denoised) }; });
  assert.ok(maxAbsDiff(draw1.denoised, draw2) > 1e-3, 'the Draw panel still shows run #2\'s output');
  const again = await page.evaluate((v) => Array.from(window.dae.denoise(new Float32Array(v))), draw1.noisy);
  assert.equal(maxAbsDiff(again, draw1.denoised), 0, 'the Draw panel does not use run #1\'s model');
  const means1 = (await texts(page)).results_means.text;
  assert.notEqual(means1, means2, 'Results still show run #2\'s numbers');
  console.log(`run #1 selected by mouse: outputs identical to when it finished; Results "${means2}" → "${means1}"`);

  // Its model downloads from Files, named and described as run #1.
  await clickWidget(page, 'tab_files');
  await waitForText(page, 'files_model', /^run #1 · seed · 1 epoch on mnist/);
  const d1 = await download('download_model');
  const meta1 = safetensorsMetadata(d1.bytes);
  assert.match(d1.name, /^dae-run1-seed-mnist\.safetensors$/);
  assert.match(meta1.source, /^run #1 · seed · 1 epoch on mnist/);
  assert.equal(meta1.epochs_done, '1');
  console.log(`Download: ${d1.name}, metadata source "${meta1.source}"`);
  t.step('select run');

  // From scratch: nothing is discarded (every run keeps its model), so nothing is asked.
  await clickWidget(page, 'reset');
  await noDialog('From scratch');
  st = await status();
  assert.equal(st.model.source, 'untrained');
  assert.ok(maxAbsDiff(await denoise(), y1) > 1e-3, 'From scratch did not change the model');
  await allRunsKeepModels('after From scratch');

  // Autosave, then a reload: the trained runs come back with their models (an untrained current
  // model never replaces them).
  await page.evaluate(() => window.dae.saveNow());
  await waitFor(page, () => { const s = window.dae.status(); return !s.saving && s.saved_revision === s.revision; }, null,
                { what: 'the IndexedDB save' });
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 60000 });
  st = await status();
  assert.equal(st.model.source, 'untrained', `after the reload the current model is ${st.model.description}`);
  let rs = await runs();
  assert.deepEqual(rs.map((r) => [r.id, r.has_model]), [[1, true], [2, true]], 'runs or their models lost by the reload');
  await page.evaluate(() => window.dae.selectRun(1));
  assert.equal(maxAbsDiff(await denoise(), y1), 0, 'run #1\'s model changed across the reload');
  await page.evaluate(() => window.dae.selectRun(2));
  assert.equal(maxAbsDiff(await denoise(), y2), 0, 'run #2\'s model changed across the reload');
  console.log('From scratch + autosave + reload: both runs restored with their exact models');
  t.step('reload');

  // Uploading a file: nothing discarded, nothing asked.
  await clickWidget(page, 'tab_files');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 15000 }), clickWidget(page, 'upload_model')]);
  await chooser.setFiles(d1.file);
  await waitFor(page, () => window.dae.status().model.source === 'uploaded', null, { what: 'the upload' });
  await noDialog('Upload');
  await allRunsKeepModels('after the upload');

  // Train new while a run is in progress: the run stops and keeps its model; nothing asked.
  await page.evaluate((c) => window.dae.train(c), { ...RUN, train: 4096, seed: 3 });
  await waitFor(page, () => window.dae.status().step >= 3, null, { what: 'run #3 to train a few steps' });
  await clickWidget(page, 'train');
  await noDialog('Train new');
  await waitFor(page, () => window.dae.status().run_id === 4, null, { what: 'run #4 to start' });
  await clickWidget(page, 'stop');
  await waitFor(page, () => !window.dae.status().training, null, { what: 'Stop' });
  rs = await runs();
  assert.deepEqual(rs.map((r) => [r.id, r.state]), [[1, 'finished'], [2, 'finished'], [3, 'stopped'], [4, 'stopped']]);
  await allRunsKeepModels('after Train new');
  console.log('From scratch, Upload and Train new asked nothing and every run kept its model');
  t.step('no loss');

  // Delete run #2 (its model exists only here): the dialog, clicked.
  await clickWidget(page, 'tab_experiments');
  await clickWidget(page, 'run_2');
  await clickWidget(page, 'delete_run');
  assert.equal(await dialogTitle(page), 'Delete run #2?');
  await app.screenshot(path.join(buildDir, 'screenshot-delete-dialog.png'));
  await clickWidget(page, 'confirm_2');  // Cancel
  assert.equal(await dialogTitle(page), null, 'Cancel did not close the dialog');
  assert.ok((await runs()).some((r) => r.id === 2), 'Cancel deleted the run');
  await clickWidget(page, 'delete_run');
  assert.equal(await dialogTitle(page), 'Delete run #2?');
  const d2 = await download('confirm_0');  // "Download its model": the dialog stays
  assert.match(d2.name, /^dae-run2-seed-mnist\.safetensors$/);
  assert.equal(await dialogTitle(page), 'Delete run #2?', 'the dialog closed after the download');
  await clickWidget(page, 'confirm_1');  // "Delete run and model"
  assert.equal(await dialogTitle(page), null);
  assert.deepEqual((await runs()).map((r) => r.id), [1, 3, 4], 'run #2 was not deleted');
  // Undo brings it back in its place, with its model; once downloaded, Delete asks nothing —
  // and can still be undone.
  await waitForText(page, 'undo_what', /^Run #2 deleted, with its model and notes\.$/);
  await parkMouse(page);
  await app.screenshot(path.join(buildDir, 'e2e-undo-delete.png'));
  await clickWidget(page, 'undo');
  await waitFor(page, () => window.dae.runs().runs.map((r) => r.id).join() === '1,2,3,4', null, { what: 'Undo' });
  await allRunsKeepModels('after Undo');
  await clickWidget(page, 'run_2');
  await clickWidget(page, 'delete_run');
  await noDialog('Delete of a downloaded run');
  assert.deepEqual((await runs()).map((r) => r.id), [1, 3, 4], 'run #2 was not deleted the second time');
  await waitForText(page, 'undo_what', /^Run #2 deleted/);
  // Ctrl+Z undoes it too (no text field active), bit for bit; then it is deleted again.
  await parkMouse(page);
  await page.keyboard.press('Control+z');
  await waitFor(page, () => window.dae.runs().runs.map((r) => r.id).join() === '1,2,3,4', null, { what: 'Ctrl+Z' });
  await allRunsKeepModels('after Ctrl+Z');
  await clickWidget(page, 'run_2');
  await clickWidget(page, 'delete_run');
  await noDialog('Delete of a downloaded run');
  assert.deepEqual((await runs()).map((r) => r.id), [1, 3, 4], 'run #2 was not deleted the third time');
  await page.evaluate((b) => window.dae.uploadModel(new Uint8Array(b), 'run2.safetensors'), Array.from(d2.bytes));
  assert.equal(maxAbsDiff(await denoise(), y2), 0, 'the file offered by the dialog is not run #2\'s model');
  console.log(`Delete run #2: asked; Cancel kept it; the dialog's download (${d2.name}) is its exact model`);
  t.step('delete');

  // Forget saved: asks, names the models that exist only here (#3, #4), offers them all.
  await page.evaluate(() => window.dae.saveNow());
  await waitFor(page, () => { const s = window.dae.status(); return !s.saving && s.saved_revision === s.revision; }, null,
                { what: 'the IndexedDB save' });
  await clickWidget(page, 'tab_files');
  await clickWidget(page, 'forget_saved');
  assert.equal(await dialogTitle(page), 'Forget what this browser saved?');
  const text = (await page.evaluate(() => window.dae.config())).confirm_text;
  assert.match(text, /2 run models exist nowhere else \(never downloaded\): #3, #4/, text);
  const files = [];
  page.on('download', (d) => files.push(d.suggestedFilename()));
  await clickWidget(page, 'confirm_0');  // "Download all"
  const t0 = Date.now();
  while (files.length < 2 && Date.now() - t0 < 15000) await page.waitForTimeout(200);
  assert.deepEqual(files.sort(), ['dae-run3-seed-mnist.safetensors', 'dae-run4-seed-mnist.safetensors']);
  assert.equal(await dialogTitle(page), 'Forget what this browser saved?', 'the dialog closed after the downloads');
  await clickWidget(page, 'confirm_1');  // "Forget saved"
  assert.equal(await dialogTitle(page), null);
  assert.match((await page.evaluate(() => window.dae.config())).files_message, /saved data removed/);
  // Undo puts the saved session back in the browser: a reload restores it; then forget again.
  await waitForText(page, 'undo_what', /^The saved session was forgotten/);
  await clickWidget(page, 'undo');
  assert.match((await page.evaluate(() => window.dae.config())).files_message, /the saved session is back/);
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 60000 });
  assert.deepEqual((await runs()).map((r) => r.id), [1, 3, 4], 'Undo of Forget saved did not bring the saved runs back');
  assert.equal((await page.evaluate(() => window.dae.config())).autosave, true, 'Undo of Forget saved left autosave off');
  await clickWidget(page, 'tab_files');
  await clickWidget(page, 'forget_saved');
  assert.equal(await dialogTitle(page), 'Forget what this browser saved?');
  const forgetText = (await page.evaluate(() => window.dae.config())).confirm_text;
  await clickWidget(page, /exist nowhere else/.test(forgetText) ? 'confirm_1' : 'confirm_0');  // "Forget saved"
  assert.equal(await dialogTitle(page), null);
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 60000 });
  assert.equal((await runs()).length, 0, 'runs restored after Forget saved');
  assert.equal((await status()).model.source, 'bundled');
  assert.equal((await page.evaluate(() => window.dae.config())).autosave, false, 'a reload turned autosave back on');
  console.log(`Forget saved: asked, offered ${files.join(' and ')}; after a reload the page starts afresh, autosave still off`);
  await parkMouse(page);
  t.step('forget');

  // Autosave off: a run made now exists in this tab only. The Files panel says so, and leaving
  // asks first (the browser's "Leave site?"): Cancel keeps the page and the run.
  await trainAndWait(page, { ...RUN, seed: 5 });  // autosave is still off (Forget saved)
  await clickWidget(page, 'tab_files');
  await waitForText(page, 'files_unsaved', /^Autosave is off: what changed since the last save is in this tab only/);
  let asked = null;
  page.once('dialog', (d) => { asked = d.type(); d.dismiss().catch(() => {}); });
  await parkMouse(page);
  await app.screenshot(path.join(buildDir, 'e2e-unsaved.png'));
  await page.reload({ waitUntil: 'load', timeout: 2000 }).catch(() => {});  // cancelled by the dialog
  assert.equal(asked, 'beforeunload', 'leaving with an unsaved run did not ask');
  assert.equal((await runs()).length, 1, 'the run made with autosave off is gone');
  await clickWidget(page, 'save_now');
  assert.equal(await dialogTitle(page), null, 'Save now asked a question in a normal tab');
  await waitFor(page, () => !window.dae.status().saving && !window.dae.texts().files_unsaved, null,
                { timeout: 15000, what: 'the save' });
  console.log('autosave off: the unsaved run is named in Files, leaving asks first, Save now keeps it');
  t.step('autosave off');

  // ?fresh starts without the saved session and keeps it: nothing saved over it unless asked.
  await page.goto(app.url + '?fresh', { waitUntil: 'load' });
  await page.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 60000 });
  assert.equal((await runs()).length, 0, '?fresh restored the saved session');
  assert.equal((await page.evaluate(() => window.dae.config())).autosave, false, '?fresh left autosave on');
  await trainAndWait(page, { ...RUN, seed: 6 });
  await clickWidget(page, 'tab_files');
  await waitForText(page, 'files_unsaved', /^Autosave is off/);
  await clickWidget(page, 'save_now');
  assert.equal(await dialogTitle(page), 'Save over the saved session?');
  await clickWidget(page, 'confirm_1');  // Cancel
  await clickWidget(page, 'autosave');   // on: asks the same
  assert.equal(await dialogTitle(page), 'Save over the saved session?');
  await clickWidget(page, 'confirm_1');
  assert.equal((await page.evaluate(() => window.dae.config())).autosave, false, 'Cancel turned autosave on');
  let left = null;
  page.once('dialog', (d) => { left = d.type(); d.accept().catch(() => {}); });  // leave: the fresh tab's run goes
  await page.goto(app.url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 60000 });
  assert.equal(left, 'beforeunload', 'leaving the ?fresh tab with a run did not ask');
  const kept = await runs();
  assert.equal(kept.length, 1, `the saved session after a ?fresh tab: ${kept.length} runs`);
  assert.ok(kept[0].has_model, 'the saved run lost its model');
  console.log('?fresh: autosave off, Save now and autosave ask first; the saved session is kept whole');
  t.step('fresh');

  t.report('e2e_work_safety');
}, {
  onFailure: async (app) => console.error(`runs: ${JSON.stringify((await app.page.evaluate(() => window.dae.runs())).runs.map((r) => [r.id, r.state, r.has_model]))}\n` +
                                          `texts: ${JSON.stringify(await app.page.evaluate(() => window.dae.texts()))}`),
});
