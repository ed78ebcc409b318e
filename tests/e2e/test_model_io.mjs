// Model files and autosave in the page (issue 3):
//  * the "Download .safetensors" button (clicked with the mouse) triggers a real browser
//    download whose bytes equal dae.downloadModel();
//  * after Reset, uploading that file through the "Upload .safetensors…" button's file chooser
//    brings back bit-identical outputs (dae.denoise of a fixed input); dae.uploadModel of the
//    same bytes too; a corrupt file is refused with an error and changes nothing;
//  * the file is the CLI's format: `dae summary --model` reads it, and a model trained by
//    `dae train` uploads into the page (when build/native/dae exists); a model of a size no
//    loaded dataset has (20×20, trained by the wasm CLI on a PNG folder) loads too: Results say
//    there are no validation images of its size, and the Draw pad denoises at 20×20;
//  * autosave: after a reload the experiment log, the observations and the model (same outputs)
//    are restored from IndexedDB.
//   node tests/e2e/test_model_io.mjs [--site build/wasm/site]

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runE2E, buildDir, repoRoot } from './harness.mjs';
import { assert, waitFor, clickWidget, parkMouse, frames, maxAbsDiff, fixedImage, timer, trainAndWait,
         waitForText } from './util.mjs';
import { grayPng, glyph } from './fixtures.mjs';

const t = timer();
await runE2E('model_io', async (app, { tmp }) => {
  const page = app.page;
  t.step('load');
  await trainAndWait(page, { dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 1, batch: 64,
                             train: 640, val: 64, seed: 5 });
  t.step('train');
  const x = fixedImage(28);
  const denoise = () => page.evaluate((v) => Array.from(window.dae.denoise(new Float32Array(v))), x);
  const y1 = await denoise();
  const bytes = Buffer.from(await page.evaluate(() => Array.from(window.dae.downloadModel())));
  assert.ok(bytes.length > 74497 * 4, `model file of ${bytes.length} bytes`);

  // The real button: a browser download with the same bytes.
  await clickWidget(page, 'tab_files');
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }),
                                        clickWidget(page, 'download_model')]);
  const file = path.join(tmp, download.suggestedFilename());
  await download.saveAs(file);
  assert.match(download.suggestedFilename(), /\.safetensors$/);
  assert.ok(fs.readFileSync(file).equals(bytes), 'the downloaded file differs from dae.downloadModel()');
  console.log(`downloaded ${download.suggestedFilename()} (${bytes.length} bytes) through the UI button`);
  t.step('download');

  // Reset: a fresh, untrained model gives other outputs.
  await page.evaluate(() => window.dae.reset());
  const y0 = await denoise();
  assert.ok(maxAbsDiff(y0, y1) > 1e-3, 'reset did not change the model');

  // Upload through the button's file chooser.
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 15000 }),
                                       clickWidget(page, 'upload_model')]);
  await chooser.setFiles(file);
  const y2 = await waitFor(page, ([v, want]) => {
    const out = Array.from(window.dae.denoise(new Float32Array(v)));
    let m = 0;
    for (let i = 0; i < out.length; i++) m = Math.max(m, Math.abs(out[i] - want[i]));
    return m <= 1e-6 ? out : null;
  }, [x, y1], { timeout: 15000, what: 'the uploaded model to reproduce the outputs' });
  const d2 = maxAbsDiff(y2, y1);
  console.log(`upload through the file chooser: max |Δ| = ${d2}`);
  assert.ok(d2 <= 1e-6);
  t.step('upload');

  // The API path, and a corrupt file (refused, nothing changed).
  await page.evaluate(() => window.dae.reset());
  await page.evaluate((b) => window.dae.uploadModel(new Uint8Array(b)), Array.from(bytes));
  assert.equal(maxAbsDiff(await denoise(), y1), 0);
  const corrupt = Array.from(bytes.subarray(0, 1000));
  const err = await page.evaluate((b) => {
    try { window.dae.uploadModel(new Uint8Array(b)); return null; } catch (e) { return e.message; }
  }, corrupt);
  assert.ok(err, 'a truncated file was accepted');
  assert.equal(maxAbsDiff(await denoise(), y1), 0, 'a refused file changed the model');
  console.log(`truncated file refused: ${err}`);

  // Files move between the page and the CLI.
  const cli = path.join(repoRoot, 'build', 'native', 'dae');
  if (fs.existsSync(cli)) {
    const summary = execFileSync(cli, ['summary', '--model', file], { encoding: 'utf8' });
    assert.match(summary, /74,497/, `dae summary --model: ${summary}`);
    const cliModel = path.join(tmp, 'cli.safetensors');
    execFileSync(cli, ['train', '--epochs', '1', '--train', '256', '--val', '64', '--batch', '64', '--threads', '1',
                       '--quiet', '--out', cliModel], { encoding: 'utf8', cwd: path.join(repoRoot, 'build', 'native') });
    const cliBytes = Array.from(fs.readFileSync(cliModel));
    await page.evaluate((b) => window.dae.uploadModel(new Uint8Array(b), 'cli.safetensors'), cliBytes);
    const st = await page.evaluate(() => window.dae.status());
    assert.equal(st.params, 74497);
    console.log('CLI interop: `dae summary --model` reads the page\'s file; a `dae train` model loads in the page');
    await page.evaluate((b) => window.dae.uploadModel(new Uint8Array(b)), Array.from(bytes));
  } else {
    console.log(`CLI interop skipped: ${cli} not built`);
  }
  t.step('cli');

  // A model of a size no loaded dataset has: Results say so (not "Denoising…" for ever) and the
  // Draw pad takes its size.
  const pngs = path.join(tmp, 'png20');
  for (let k = 0; k < 2; k++) {
    fs.mkdirSync(path.join(pngs, `c${k}`), { recursive: true });
    for (let i = 0; i < 10; i++) fs.writeFileSync(path.join(pngs, `c${k}`, `${i}.png`), grayPng(glyph(k, i, 20), 20, 20));
  }
  const small = path.join(tmp, 'small.safetensors');
  execFileSync('node', [path.join(buildDir, 'dae.js'), 'train', '--dataset', pngs, '--arch', 'conv8 pool conv8 | up conv1:sigmoid',
                        '--epochs', '1', '--train', '16', '--val', '4', '--batch', '8', '--quiet', '--out', small],
               { encoding: 'utf8' });
  await page.evaluate((b) => window.dae.uploadModel(new Uint8Array(b), 'small.safetensors'), Array.from(fs.readFileSync(small)));
  await clickWidget(page, 'tab_results');
  await waitForText(page, 'results_model', /^No validation images of the model's size are loaded \(it takes 20×20 images\)/);
  const pad = await waitFor(page, () => { const p = window.dae.drawPanel(); return p.side === 20 && p.denoised.length === 400 ? p : null; },
                            null, { what: 'the Draw pad at 20×20' });
  assert.equal(pad.noisy.length, 400);
  console.log('a 20×20 model: Results say no validation images of its size are loaded; the Draw pad denoises at 20×20');
  await page.evaluate((b) => window.dae.uploadModel(new Uint8Array(b)), Array.from(bytes));
  t.step('other size');

  // The experiment log as CSV: the Experiments tab's button downloads it.
  await clickWidget(page, 'tab_experiments');
  const [csvDownload] = await Promise.all([page.waitForEvent('download', { timeout: 15000 }),
                                           clickWidget(page, 'export_csv')]);
  const csvFile = path.join(tmp, csvDownload.suggestedFilename());
  await csvDownload.saveAs(csvFile);
  const csv = fs.readFileSync(csvFile, 'utf8').trim().split('\n');
  assert.match(csv[0], /^run,dataset,arch/);
  assert.equal(csv.length, 1 + (await page.evaluate(() => window.dae.runs())).runs.length);
  assert.equal(csv.join('\n'), (await page.evaluate(() => window.dae.csv())).trim());
  console.log(`CSV export: ${csvDownload.suggestedFilename()} with ${csv.length - 1} run(s)`);
  t.step('csv');

  // Autosave: notes + observations + model survive a reload.
  await page.evaluate(() => window.dae.setObservations('noise 0.5: blurry but clean'));
  await page.evaluate(() => window.dae.saveNow());
  await waitFor(page, () => !window.dae.status().saving, null, { what: 'the IndexedDB save' });
  const runsBefore = (await page.evaluate(() => window.dae.runs())).runs.length;
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 60000 });
  const restored = await page.evaluate(() => window.dae.runs());
  assert.equal(restored.runs.length, runsBefore, 'runs not restored');
  assert.equal(restored.observations, 'noise 0.5: blurry but clean');
  assert.equal(maxAbsDiff(await denoise(), y1), 0, 'the restored model gives other outputs');
  console.log(`reload: ${restored.runs.length} run(s), observations and the model restored from IndexedDB`);
  await parkMouse(page);
  await frames(page, 4);
  await app.screenshot(path.join(buildDir, 'screenshot-restored.png'));
  t.step('reload');

  t.report('e2e_model_io');
});
