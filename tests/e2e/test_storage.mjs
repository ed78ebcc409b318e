// Storage full (issue 26, item 5): the browser's storage quota for the page cut to almost nothing
// (CDP Storage.overrideQuotaForOrigin). A trained run is then not called saved: the header says
// "not saved: storage failing", Files says why and that it tries again, leaving the tab asks
// first, and autosave is not stuck ("saving" ends, even when the browser never answers). With
// the quota back, the next try saves, and a reload brings the run back.
//   node tests/e2e/test_storage.mjs [--site build/wasm/site]

import { runE2E } from './harness.mjs';
import { assert, waitFor, timer, trainAndWait } from './util.mjs';

const t = timer();
await runE2E('storage', async (app) => {
  const page = app.page;
  const cdp = await page.context().newCDPSession(page);
  const origin = new URL(page.url()).origin;
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 1024 });
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
  t.report('storage');
});
