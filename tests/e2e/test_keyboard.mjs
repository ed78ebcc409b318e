// The keyboard alone (issue 9, "Input that never loses a key"): real key events, no mouse.
//  * Tab moves the focus from widget to widget and shows where it is (a visible highlight);
//    Shift+Tab goes back to the widget before; Tab never stays on one widget (the Brush slider
//    used to trap it);
//  * F6 moves to the next panel, Shift+F6 back; Alt+8 shows Runs, Alt+6 Draw (keys browsers
//    leave to pages; Ctrl+Tab is the browser's);
//  * Tab to "▶ Train" and Space: a run trains, started by the keyboard alone;
//  * keys typed faster than frames arrive in order ("first⏎second" stays that, "abc⌫d" is "abd");
//  * Ctrl+= / the header's "Aa" scale the whole UI (125 %, 150 %), kept across a reload; Ctrl+0 resets.
// Screenshot: build/wasm/e2e-keyboard-focus.png (the focus highlight on a button).
//   node tests/e2e/test_keyboard.mjs [--site build/wasm/site]

import path from 'node:path';
import { runE2E, buildDir } from './harness.mjs';
import { assert, waitFor, frames, parkMouse, timer, clickWidget } from './util.mjs';

const t = timer();
await runE2E('keyboard', async (app) => {
  const page = app.page;
  const focus = () => page.evaluate(() => window.dae.focus());
  // A focused widget: its mark and place (the − and + of a number field share its mark).
  const where = (f) => (f.rect ? `${f.mark || '?'}@${Math.round(f.rect.x)},${Math.round(f.rect.y)}` : 'nothing');
  const key = async (k) => {
    await page.keyboard.press(k);
    await frames(page, 3);
    return focus();
  };
  await page.evaluate(() => window.dae.configure({ dataset: 'mnist', arch: 'seed', noise: 'gaussian:0.5', epochs: 1,
                                                    batch: 64, train: 1024, val: 128, seed: 5 }));
  await parkMouse(page);
  await frames(page, 3);
  t.step('load');

  // F6 to the Train panel, then Tab through its widgets.
  let f = await focus();
  for (let i = 0; i < 12 && !/^Train###/.test(f.window); i++) f = await key('F6');
  assert.match(f.window, /^Train###/, `F6 never reached the Train panel (focus in '${f.window}')`);
  const seen = [];
  for (let i = 0; i < 8; i++) {
    f = await key('Tab');
    assert.ok(f.visible, `no visible focus after Tab #${i + 1}`);
    seen.push(where(f));
    if (i > 0) assert.notEqual(seen[i], seen[i - 1], `Tab stayed on ${seen[i]}`);
  }
  console.log(`Tab through Train: ${seen.join(' → ')}`);
  const back = await key('Shift+Tab');
  assert.equal(where(back), seen[6], 'Shift+Tab did not go back one widget');
  t.step('tab');

  // Tab to Train, Space starts a run.
  f = await focus();
  for (let i = 0; i < 30 && f.mark !== 'train'; i++) f = await key('Tab');
  assert.equal(f.mark, 'train', 'Tab never reached the Train button');
  await app.screenshot(path.join(buildDir, 'e2e-keyboard-focus.png'));
  await page.keyboard.press('Space');
  await frames(page, 3);
  assert.ok((await page.evaluate(() => window.dae.status())).training, 'Space on the focused Train button started nothing');
  // The button now says "Train new": the focus stays on it, visible (it was lost when its label changed).
  f = await focus();
  assert.equal(f.mark, 'train', `the focus left Train when it relabelled (on '${f.mark}')`);
  assert.ok(f.visible, 'the focus ring vanished when Train relabelled');
  const st = await waitFor(page, () => { const s = window.dae.status(); return !s.training && s.state === 'finished' ? s : null; }, null,
                           { timeout: 120000, interval: 300, what: 'the run started with Space to finish' });
  assert.equal(st.state, 'finished');
  console.log(`Space on Train: run #${st.run_id} ${st.state}, val PSNR ${st.val_psnr.toFixed(2)} dB`);
  t.step('train by keyboard');

  // Esc stops a run (Space on Train again: a new run; Esc ends it, and it keeps its model).
  await page.evaluate(() => window.dae.configure({ epochs: 50 }));
  await page.keyboard.press('Space');
  await waitFor(page, () => window.dae.status().training, null, { what: 'the second run to start' });
  await page.keyboard.press('Escape');
  const stopped = await waitFor(page, () => { const s = window.dae.status(); return !s.training ? s : null; }, null,
                                { what: 'Esc to stop the run', timeout: 30000 });
  assert.equal(stopped.state, 'stopped', `Esc left the run ${stopped.state}`);
  assert.equal(stopped.run_id, st.run_id + 1);
  await page.evaluate(() => window.dae.configure({ epochs: 1 }));
  t.step('Esc stops');

  // Alt+digit shows a panel and puts the focus in it, tabbed panels too; in Draw, Tab moves
  // past the Brush slider.
  f = await key('Alt+1');
  assert.equal(f.window, 'Setup');
  const data = [where(f)];
  for (let i = 0; i < 3; i++) data.push(where(await key('Tab')));
  console.log(`Alt+1, Tab ×3 in Data: ${data.join(' → ')}`);
  assert.ok(data[0].startsWith('dataset@'), `Alt+1 did not put the focus on Data's first widget (${data[0]})`);
  assert.equal(new Set(data.slice(1)).size, 3, 'Tab in Data stayed on a widget');
  f = await key('Alt+8');
  assert.ok((await page.evaluate(() => window.dae.layout())).panels.Runs, 'Alt+8 did not show Runs');
  assert.equal(f.mark, 'export_csv', `Alt+8 put the focus on '${f.mark}', not Runs' first button`);
  f = await key('Tab');
  assert.equal(f.mark, 'copy_runs', 'Tab in Runs did not move to the next button');
  f = await key('Alt+6');
  assert.match(f.window, /^Draw###/, `Alt+6 put the focus in '${f.window}'`);
  const drawSeen = [where(f)];
  for (let i = 0; i < 12 && f.mark !== 'slider_brush'; i++) { f = await key('Tab'); drawSeen.push(where(f)); }
  console.log('Draw:', drawSeen.join(' → '));
  assert.equal(f.mark, 'slider_brush', 'Tab never reached the Brush slider');
  f = await key('Tab');
  assert.notEqual(f.mark, 'slider_brush', 'Tab stays on the Brush slider');
  console.log(`Draw: Tab reaches the Brush slider and leaves it for '${f.mark}'`);
  f = await key('Shift+F6');
  assert.doesNotMatch(f.window, /^Draw###/, 'Shift+F6 did not leave Draw');
  t.step('panels');

  // Keys faster than frames, in order: the run's notes field in Runs.
  await key('Alt+8');
  await clickWidget(page, 'run_1');
  await clickWidget(page, 'run_notes');
  await page.keyboard.type('first');
  await page.keyboard.press('Enter');
  await page.keyboard.type('secabc');
  await page.keyboard.press('Backspace');
  await page.keyboard.type('d');
  // ImGui applies queued keys a few per frame: wait until the text stops changing (1 s).
  let notes = '', since = Date.now();
  for (const t0 = Date.now(); Date.now() - t0 < 15000 && Date.now() - since < 1000;) {
    const n = await page.evaluate(() => window.dae.runs().runs[0].notes);
    if (n !== notes) { notes = n; since = Date.now(); }
    await page.waitForTimeout(100);
  }
  assert.equal(notes, 'first\nsecabd', 'keys were applied out of order');
  console.log(`typed without waiting for frames: ${JSON.stringify(notes)}`);
  t.step('typing');

  // The UI scale (issue 27): Ctrl+= twice makes everything 125 % (a button grows with it),
  // the "Aa" button's Larger makes it 150 % with the mouse, a reload keeps it, Ctrl+0 is 100 %.
  await page.keyboard.press('Escape');  // leave the notes field
  await parkMouse(page);
  await frames(page, 3);
  const trainH = async () => (await page.evaluate(() => window.dae.rect('train'))).height;
  const scale = () => page.evaluate(() => window.dae.layout().ui_scale);
  await key('Alt+4');  // the Training panel
  const h100 = await trainH();
  assert.equal(await scale(), 1);
  await key('Control+Equal');
  await key('Control+Equal');
  await waitFor(page, () => window.dae.layout().ui_scale === 1.25, null, { what: 'Ctrl+= twice: 125 %' });
  await frames(page, 3);
  const h125 = await trainH();
  assert.ok(Math.abs(h125 - h100 * 1.25) < 1.5, `Train is ${h125} px tall at 125 %, ${h100} at 100 %`);
  await clickWidget(page, 'text_size');
  await clickWidget(page, 'text_larger');
  await waitFor(page, () => window.dae.layout().ui_scale === 1.5, null, { what: 'Aa → Larger: 150 %' });
  await page.keyboard.press('Escape');
  await app.screenshot(path.join(buildDir, 'e2e-keyboard-scale150.png'));
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 60000 });
  await frames(page, 3);
  assert.equal(await scale(), 1.5, 'the UI scale was not kept across a reload');
  await key('Alt+4');
  const h150 = await trainH();
  assert.ok(Math.abs(h150 - h100 * 1.5) < 1.5, `Train is ${h150} px tall at 150 % after the reload, ${h100} at 100 %`);
  // A click at 150 % lands on the widget it is over (the pointer is scaled too).
  await clickWidget(page, 'tab_experiments');
  await waitFor(page, () => window.dae.layout().wide_right === 'Runs' || window.dae.layout().middle_first === 'Runs',
                null, { what: 'a click on Runs at 150 %' });
  await key('Control+0');
  assert.equal(await scale(), 1);
  console.log(`UI scale: Train ${h100} px tall at 100 %, ${h125} at 125 %, ${h150} at 150 % (kept across a reload)`);
  t.step('ui scale');
  t.report('e2e_keyboard');
});
