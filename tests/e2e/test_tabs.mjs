// Two tabs on one saved session (issue 26, item 2). One tab at a time holds the session and saves
// it; a second tab shows it as last saved and writes nothing until it takes over. On the old page
// tab B's save deleted every record it did not hold: a new tab then showed only B's run.
//   A trains #1 and #2 (saved). B opens: "another tab has the session"; B trains its own run,
//   presses Save now (asked: Cancel) and types a note — IndexedDB still holds A's two runs, and a
//   third tab shows them. B takes over with the real mouse: A saves a last note and stops saving,
//   B reloads with A's two runs and that note and saves from then on; A's later changes write
//   nothing.
//   node tests/e2e/test_tabs.mjs [--site build/wasm/site]

import { runE2E, buildDir } from './harness.mjs';
import { assert, waitFor, timer, trainAndWait, clickWidget, dialogTitle, rectOf, frames } from './util.mjs';

const tiny = { dataset: 'mnist', arch: 'conv8-pool-up-conv1:sigmoid', epochs: 1, batch: 64, train: 256, val: 64 };

// The page's IndexedDB (Emscripten's IDBFS: database '/persist', store 'FILE_DATA', by path).
function savedKeys(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('/persist');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result, tx = db.transaction(['FILE_DATA'], 'readonly');
      const r = tx.objectStore('FILE_DATA').getAllKeys();
      tx.oncomplete = () => { db.close(); resolve(r.result.filter((k) => /\.(json|safetensors)$/.test(k)).sort()); };
      tx.onerror = () => reject(tx.error);
    };
  }));
}

async function openTab(app, errors) {
  const page = await app.context.newPage();
  page.on('pageerror', (e) => errors.push(`pageerror: ${e}`));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console.error: ${m.text()}`); });
  await page.goto(app.url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 90000 });
  await waitFor(page, () => window.dae.status().restore_note !== undefined, null, { what: 'the restore' });
  return page;
}

const saved = (page) => waitFor(page, () => {
  const s = window.dae.status();
  return !s.saving && s.saved_revision === s.revision ? s : null;
}, null, { what: 'the save to be confirmed', timeout: 30000 });

const t = timer();
await runE2E('tabs', async (app) => {
  const a = app.page, errors = [];
  await trainAndWait(a, tiny);
  await trainAndWait(a, { ...tiny, seed: 2 });
  await saved(a);
  const before = await savedKeys(a);
  assert.ok(before.includes('/persist/runs/1.safetensors') && before.includes('/persist/runs/2.safetensors'), `${before}`);
  t.step('tab A saved two runs');

  // Tab B: the session as A saved it, and nothing written from here.
  const b = await openTab(app, errors);
  const sb = await b.evaluate(() => window.dae.status());
  assert.equal(sb.other_tab, true, 'the second tab thinks it holds the session');
  assert.equal(sb.runs, 2);
  assert.match(sb.save_text, /^another tab has the session/);
  assert.match(sb.restore_note, /open in another tab/);
  await trainAndWait(b, { ...tiny, seed: 3 });
  await b.evaluate(() => window.dae.saveNow());  // the automation hook: refused in words, nothing written
  await b.evaluate(() => window.dae.showTab('files'));
  await clickWidget(b, 'save_now');
  assert.equal(await dialogTitle(b), 'Save over the session of another tab?');
  await clickWidget(b, 'confirm_2');  // Cancel
  await b.evaluate(() => window.dae.setObservations('typed in tab B'));
  await b.waitForTimeout(4000);  // longer than autosave's debounce
  const sb2 = await b.evaluate(() => window.dae.status());
  assert.match(sb2.save_text, /unsaved$/, `tab B: "${sb2.save_text}"`);
  assert.equal(sb2.unsaved_warning, true, 'leaving tab B would not ask');
  assert.deepEqual(await savedKeys(a), before, 'tab B changed the saved session');
  await b.screenshot({ path: `${buildDir}/screenshot-tabs-second.png` });
  const c = await openTab(app, errors);
  assert.equal((await c.evaluate(() => window.dae.status())).runs, 2, 'a new tab does not show tab A\'s two runs');
  await c.close();
  console.log(`tab B: "${sb2.save_text}"; IndexedDB unchanged (${before.length} records); a third tab shows 2 runs`);
  t.step('tab B saved nothing');

  // B takes over with the mouse: A saves its last change, lets go, and saves no more.
  await a.evaluate(() => window.dae.setObservations('last note of tab A'));
  await clickWidget(b, 'take_over');
  assert.equal(await dialogTitle(b), 'Take over the session here?');
  const reloaded = b.waitForEvent('load', { timeout: 30000 });
  const r = await rectOf(b, 'confirm_0');  // "Take over": the page reloads (no frames to wait for after the click)
  await b.mouse.move(r.x + r.width / 2, r.y + r.height / 2, { steps: 3 });
  await frames(b, 3);
  await b.mouse.down();
  await frames(b, 2);
  await b.mouse.up();
  await reloaded;
  await b.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 90000 });
  const sb3 = await waitFor(b, () => { const s = window.dae.status(); return s.runs >= 0 && s.restore_note ? s : null; },
                            null, { what: 'tab B restored after taking over' });
  assert.equal(sb3.other_tab, false, 'tab B does not hold the session after taking over');
  assert.equal(sb3.runs, 2, 'tab B did not reload with tab A\'s runs');
  assert.match(sb3.restore_note, /took over the session/);
  assert.match(await b.evaluate(() => window.dae.runs().observations), /last note of tab A/,
               'tab A\'s last note was not saved before it let go');
  const sa = await waitFor(a, () => { const s = window.dae.status(); return s.other_tab ? s : null; }, null,
                           { what: 'tab A to let go of the session' });
  assert.match(sa.storage_note, /Another tab took over the session after this tab saved/);
  t.step('tab B took over');

  // A writes nothing now; B saves.
  const keys = await savedKeys(b);
  await trainAndWait(a, { ...tiny, seed: 4 });
  await a.waitForTimeout(3000);
  assert.deepEqual(await savedKeys(b), keys, 'tab A wrote after handing over');
  await b.evaluate(() => window.dae.setObservations('typed in tab B, which now saves'));
  await saved(b);
  console.log(`tab A after the hand-over: "${sa.save_text}"; tab B: "${(await b.evaluate(() => window.dae.status())).save_text}"`);
  assert.deepEqual(errors, [], 'errors in the other tabs');
  t.step('tab B saves, tab A does not');
  t.report('tabs');
});
