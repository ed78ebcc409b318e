// The UI by mouse and keyboard alone (issue 3: "the UI must work by mouse and keyboard on its
// own"): Model panel presets (mouse), the layer spec typed with the keyboard (a valid custom
// architecture, then an invalid one shown inline), the live parameter count, keyboard
// shortcuts (L: log scale, Ctrl+Enter: train, P: pause), Reset by mouse; the Draw panel's
// Eraser on and off leaves the other buttons their colour.
//   node tests/e2e/test_ui.mjs [--site build/wasm/site]

import path from 'node:path';
import { runE2E, buildDir } from './harness.mjs';
import { assert, waitFor, clickWidget, parkMouse, frames, timer, rectOf, pixelAt } from './util.mjs';

const t = timer();
await runE2E('ui', async (app) => {
  const page = app.page;
  const config = () => page.evaluate(() => window.dae.config());
  t.step('load');

  // Presets by mouse: the live summary's parameter count follows.
  await clickWidget(page, 'tab_model');
  let c = await config();
  assert.equal(c.preset, 'seed');
  assert.equal(c.params, 74497, 'seed preset on 28×28 has 74,497 parameters');
  await clickWidget(page, 'preset_deep');
  c = await config();
  assert.equal(c.preset, 'deep');
  assert.ok(c.params > 74497, `deep: ${c.params} params`);
  await clickWidget(page, 'preset_dense');
  c = await config();
  assert.equal(c.preset, 'dense');
  console.log(`presets by mouse: seed 74,497 params, deep and dense (${c.params}) follow`);

  // Type a custom architecture into the spec field (keyboard), Enter applies it.
  const typeSpec = async (text) => {
    await clickWidget(page, 'spec');
    await page.keyboard.press('Control+A');
    await frames(page, 2);
    await page.keyboard.press('Backspace');
    await frames(page, 2);
    await page.keyboard.type(text, { delay: 20 });
    await frames(page, 2);
    await page.keyboard.press('Enter');
    await waitFor(page, (want) => {
      const k = window.dae.config();
      return k.spec === want || k.arch_error || k.spec_error;
    }, text.replace(/\s+/g, ' '), { timeout: 10000, what: 'the typed spec to be applied' });
    return config();
  };
  c = await typeSpec('conv16 pool | up conv1:sigmoid');
  assert.equal(c.arch_ok, true, `custom spec: ${JSON.stringify(c)}`);
  assert.equal(c.preset, '');
  assert.match(c.spec, /conv16/);
  const custom = c.params;
  assert.equal(custom, 16 * 9 + 16 + 16 * 9 + 1, `conv16 … conv1: ${custom} params`);
  // LeakyReLU, bare and as a suffix: the layer list and the summary take it like any layer.
  c = await typeSpec('conv8:lrelu:0.1 pool | up lrelu conv1:sigmoid');
  assert.equal(c.arch_ok, true, `lrelu spec: ${JSON.stringify(c)}`);
  assert.equal(c.spec, 'conv8:lrelu:0.1 pool | up lrelu conv1:sigmoid');
  assert.equal(c.params, 8 * 9 + 8 + 8 * 9 + 1);
  await parkMouse(page);
  await frames(page, 3);
  await app.screenshot(path.join(buildDir, 'screenshot-model-lrelu.png'));
  c = await typeSpec('conv16 pool | conv1:sigmoid');
  assert.equal(c.arch_ok, false, 'a spec whose output is 14×14 was accepted');
  assert.ok(c.arch_error.length > 0);
  console.log(`typed spec: custom model ${custom} params; bad spec shown inline: "${c.arch_error}"`);
  await parkMouse(page);
  await frames(page, 3);
  await app.screenshot(path.join(buildDir, 'screenshot-model-error.png'));
  // Ctrl+Enter with an invalid architecture: the error is shown, nothing starts.
  await page.keyboard.press('Control+Enter');
  c = await waitFor(page, () => { const k = window.dae.config(); return k.train_error ? k : null; }, null,
                    { timeout: 10000, what: 'the training error of an invalid architecture' });
  assert.ok(c.train_error.length > 0, 'no training error for an invalid architecture');
  assert.equal((await page.evaluate(() => window.dae.status())).training, false);
  await clickWidget(page, 'preset_seed');
  t.step('model panel');

  // Shortcuts.
  await parkMouse(page);
  const log0 = (await config()).log_scale;
  await page.keyboard.press('l');
  await frames(page, 3);
  assert.equal((await config()).log_scale, !log0, 'L did not toggle the log scale');
  await page.keyboard.press('Control+Enter');
  await waitFor(page, () => window.dae.status().training, null, { timeout: 10000, what: 'Ctrl+Enter to start training' });
  await page.keyboard.press('p');
  await waitFor(page, () => window.dae.status().paused, null, { timeout: 10000, what: 'P to pause' });
  await clickWidget(page, 'reset');
  const st = await page.evaluate(() => window.dae.status());
  assert.equal(st.training, false);
  assert.equal(st.paused, false);
  const runs = (await page.evaluate(() => window.dae.runs())).runs;
  assert.equal(runs.at(-1).state, 'stopped');
  console.log('shortcuts: L toggled the log scale, Ctrl+Enter trained, P paused; Reset (mouse) stopped the run');
  t.step('shortcuts');

  // The Eraser on and then off, by mouse: the buttons after it keep their colour (a style colour
  // pushed while the eraser was on was popped only if it was still on after the click, so
  // switching it off turned every later button orange).
  await page.evaluate(() => window.dae.showTab('draw'));
  const clearColour = async () => {
    await parkMouse(page);
    await frames(page, 3);
    const r = await rectOf(page, 'clear_drawing');
    return pixelAt(page, r.x + 2, r.y + r.height / 2);  // inside the button, left of its label
  };
  const before = await clearColour();
  await clickWidget(page, 'eraser');
  assert.equal((await page.evaluate(() => window.dae.drawPanel())).eraser, true, 'the click did not turn the eraser on');
  await clickWidget(page, 'eraser');
  assert.equal((await page.evaluate(() => window.dae.drawPanel())).eraser, false, 'the click did not turn the eraser off');
  const after = await clearColour();
  console.log(`Clear button colour before the eraser ${before}, after on and off ${after}`);
  assert.deepEqual(after, before, 'switching the eraser off changed the colour of the Clear button');
  t.step('eraser');

  t.report('e2e_ui');
}, {
  onFailure: async (app) => console.error(`config: ${JSON.stringify(await app.page.evaluate(() => window.dae.config()))}`),
});
