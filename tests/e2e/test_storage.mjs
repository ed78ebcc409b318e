// Storage full (issue 26, item 5): the browser's storage quota for the page cut to almost nothing
// (CDP Storage.overrideQuotaForOrigin). A trained run is then not called saved: the header says
// "not saved: storage failing", Files says why and that it tries again, leaving the tab asks
// first, and autosave is not stuck ("saving" ends, even when the browser never answers). With
// the quota back, the next try saves, and a reload brings the run back. Then one saved record
// the browser will not give back (issue 26, item 4): the page says so and pauses autosave, and a
// change typed in that tab deletes nothing saved.
//   node tests/e2e/test_storage.mjs [--site build/wasm/site]

import { runE2E } from './harness.mjs';
import { assert, waitFor, timer, trainAndWait } from './util.mjs';

const t = timer();
await runE2E('storage', async (app) => {
  const page = app.page;
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1024 });
  await page.evaluate(() => window.dae.setSaveConfirmSeconds(3));  // the page waits 20 s
  await trainAndWait(page, { dataset: 'mnist', arch: 'seed', epochs: 1, batch: 64, train: 512, val: 64 });
  const failed = await waitFor(page, () => {
    const s = window.dae.status();
    return !s.saving && /Saving to this browser failed/.test(s.storage_note) ? s : null;
  }, null, { what: 'the refused save to be reported', timeout: 60000, interval: 250 });
  console.log(`storage full: header "${failed.save_text}"; Files: ${failed.storage_note}`);
  assert.notEqual(failed.saved_revision, failed.revision, 'a refused save was counted as saved');
  assert.equal(failed.save_text, 'not saved: storage failing');
  assert.equal(failed.unsaved_warning, true, 'leaving the tab would not ask');
  t.step('refused');

  // The quota back: the next try (within 10 s) saves; a reload brings the run back.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin });
  const saved = await waitFor(page, () => {
    const s = window.dae.status();
    return !s.saving && s.saved_revision === s.revision ? s : null;
  }, null, { what: 'the save to succeed once there is room', timeout: 60000, interval: 250 });
  assert.equal(saved.storage_note, '', `a stale note: ${saved.storage_note}`);
  assert.equal(saved.unsaved_warning, false);
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 60000 });
  await waitFor(page, () => window.dae.runs().runs.length === 1, null, { what: 'the run back after a reload', timeout: 30000 });
  console.log(`quota back: saved ("${saved.save_text}"), and the run came back after a reload`);
  t.step('saved');

  // One record the browser will not give back (state.json with an invalid file mode): the page
  // says so, pauses autosave, and a change in this tab deletes nothing saved.
  // The page's IndexedDB (Emscripten's IDBFS: database '/persist', store 'FILE_DATA', keyed by path).
  const idb = (op) => page.evaluate((o) => new Promise((resolve, reject) => {
    const open = indexedDB.open('/persist');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result, tx = db.transaction(['FILE_DATA'], 'readwrite'), store = tx.objectStore('FILE_DATA');
      let out;
      if (o === 'damage') {
        const r = store.get('/persist/state.json');
        r.onsuccess = () => { const v = r.result; v.mode = 0; store.put(v, '/persist/state.json'); out = true; };
      } else {
        const r = store.getAllKeys();
        r.onsuccess = () => { out = r.result; };
      }
      tx.oncomplete = () => { db.close(); resolve(out); };
      tx.onerror = () => reject(tx.error);
    };
  }), op);
  await idb('damage');
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 60000 });
  const st = await waitFor(page, () => { const s = window.dae.status(); return /Autosave is paused/.test(s.restore_note) ? s : null; },
                           null, { what: 'the page to say that part of the session could not be read', timeout: 30000 });
  assert.match(st.save_text, /^autosave off/);
  await page.evaluate(() => window.dae.setObservations('a note typed after the damaged start'));
  await page.waitForTimeout(4000);  // longer than autosave's debounce
  const keys = await idb('keys');
  assert.ok(keys.includes('/persist/runs/1.safetensors'), `a model the tab could not read was deleted: ${keys}`);
  assert.ok(keys.includes('/persist/state.json'), `the unreadable record was replaced or deleted: ${keys}`);
  console.log(`a damaged record: "${st.restore_note.split('\n').pop()}"; saved records kept: ${keys.join(', ')}`);
  t.step('damaged');
  t.report('storage');
});
