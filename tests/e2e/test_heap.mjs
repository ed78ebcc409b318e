// A full heap loses nothing (issue 26, item 1), through the real buttons:
//  * .zip datasets of 1,900 PNGs of 512×512 (498 MB of pixels each, under the 512 MB limit for
//    one dataset) are imported with "Import .zip…" until the page's one memory budget for
//    datasets and models (1.25 GB of its 2 GB heap) says no: the third is refused before its
//    pixels are read, with a plain message, and the page goes on;
//  * with the heap then filled (by the test, through _malloc, but for a few MB), a 16 MB model
//    file uploaded with the real "Upload" button is refused in plain words — not copied to
//    address 0 ("memory access out of bounds", then nothing worked) — and the page still answers;
//  * the heap freed again, the session saves, and a reload brings its run back.
//   node tests/e2e/test_heap.mjs [--site build/wasm/site]

import fs from 'node:fs';
import path from 'node:path';
import { runE2E } from './harness.mjs';
import { grayPng, storedZip } from './fixtures.mjs';
import { assert, waitFor, clickWidget, timer, trainAndWait, texts } from './util.mjs';

const SIDE = 512, IMAGES = 1900;

const t = timer();
await runE2E('heap', async (app, { tmp }) => {
  const page = app.page;
  const blank = grayPng(new Uint8Array(SIDE * SIDE), SIDE, SIDE);
  const entries = [];
  for (let i = 0; i < IMAGES; i++) entries.push({ name: `train/${i % 10}/${i}.png`, data: blank });
  const zip = storedZip(entries);
  const zips = ['wide1', 'wide2', 'wide3'].map((n) => {
    const f = path.join(tmp, `${n}.zip`);
    fs.writeFileSync(f, zip);
    return f;
  });
  console.log(`fixture: ${zips.length} zips of ${(zip.length / 1048576).toFixed(1)} MB, ${IMAGES} PNGs of ${SIDE}×${SIDE} each`);
  const run = await trainAndWait(page, { dataset: 'mnist', arch: 'seed', epochs: 1, batch: 64, train: 512, val: 64 });
  t.step('fixture, run');

  const importZip = async (file) => {
    await clickWidget(page, 'tab_data');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 15000 }), clickWidget(page, 'import_zip')]);
    await chooser.setFiles(file);
    const name = path.basename(file, '.zip');
    return waitFor(page, (n) => {
      const c = window.dae.config();
      return c.dataset === n || c.data_error ? c : null;
    }, name, { timeout: 180000, interval: 250, what: `${name}.zip to be imported` });
  };
  for (const f of zips.slice(0, 2)) {
    const c = await importZip(f);
    assert.equal(c.data_error || '', '', `${path.basename(f)} was refused`);
    console.log(`imported ${path.basename(f)}: heap ${((await page.evaluate(() => window.dae.heapBytes())) / 1048576).toFixed(0)} MB`);
  }
  const refused = await importZip(zips[2]);
  assert.match(refused.data_error || '', /holds 1,900 images of 512×512 .*the page has \d+ MB left for data, of its 1\.2 GB/,
               `the third zip: ${refused.data_error}`);
  assert.equal(refused.dataset, 'wide2', 'the refused import changed the chosen dataset');
  console.log(`third zip refused: ${refused.data_error}`);
  t.step('imports');

  // The heap filled (the test holds every block of 4 MB or more it can get: the page keeps a
  // few MB for its frames), then a 16 MB model file uploaded with the real button.
  const held = await page.evaluate(() => {
    window.__held = [];
    for (let size = 256 << 20; size >= 4 << 20; ) {
      const p = Module._malloc(size);
      if (p) window.__held.push(p); else size >>= 1;
    }
    return window.__held.length;
  });
  const modelFile = path.join(tmp, 'big.safetensors');
  fs.writeFileSync(modelFile, Buffer.alloc(16 << 20, 7));
  await clickWidget(page, 'tab_files');
  const [chooser] = await Promise.all([page.waitForEvent('filechooser', { timeout: 15000 }), clickWidget(page, 'upload_model')]);
  await chooser.setFiles(modelFile);
  const err = await waitFor(page, () => window.dae.status().error || (window.dae.texts().files_error || {}).text, null,
                            { what: 'the upload to be refused', timeout: 15000 });
  console.log(`heap full (${held} blocks held): "${err}"`);
  assert.match(String(err), /run out of memory|not enough memory/, `the upload into a full heap: ${err}`);
  const st = await page.evaluate(() => window.dae.status());  // the page still answers
  assert.equal(st.model.run_id, run.run_id, 'the model in memory changed');
  t.step('full heap');

  // Freed again: the session saves, and comes back after a reload.
  await page.evaluate(() => { for (const p of window.__held) Module._free(p); window.__held = []; });
  await clickWidget(page, 'save_now');
  await waitFor(page, () => { const s = window.dae.status(); return !s.saving && s.saved_revision === s.revision; }, null,
                { what: 'the save', timeout: 30000 });
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 60000 });
  await waitFor(page, () => window.dae.runs().runs.length === 1, null, { what: 'the run back after a reload', timeout: 30000 });
  t.step('save, reload');
  t.report('heap');
}, {
  onFailure: async (app) => console.error(`texts: ${JSON.stringify(await app.page.evaluate(() => window.dae.texts()))}`),
});
