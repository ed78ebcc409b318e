// A screen reader's view of the page (issue 27, item 1). The canvas has no accessibility of its
// own; the page keeps a hidden DOM mirror of its widgets (web/api/access.cpp). Through
// Chromium's accessibility tree alone (CDP Accessibility.getFullAXTree), with DOM focus and key
// presses on the mirror only:
//   - the panels are regions with headings, and every control of the Training panel has a role
//     and a name (its Train button, the Epochs field, the Loss radios, the Batch combo…); then
//     every panel in turn: each visible control named, combos and sliders with their value,
//     checkboxes and radios with their state;
//   - the epochs are typed into the mirrored Epochs field, Train is pressed with Enter, the live
//     region speaks each epoch's validation loss and PSNR and the end of the run, and the final
//     PSNR read there is the run's;
//   - with the system's prefers-contrast: more, the page draws a darker ground (after a reload).
//   node tests/e2e/test_access.mjs [--site build/wasm/site]

import { runE2E } from './harness.mjs';
import { assert, waitFor, timer } from './util.mjs';

const controlRoles = new Set(['button', 'checkbox', 'radio', 'tab', 'slider', 'combobox', 'textbox']);

const t = timer();
await runE2E('access', async (app) => {
  const page = app.page;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Accessibility.enable');
  const tree = async () => {
    const { nodes } = await cdp.send('Accessibility.getFullAXTree');
    const byId = new Map(nodes.map((n) => [n.nodeId, n]));
    const named = (n) => (n.name && n.name.value) || '';
    const role = (n) => (n.role && n.role.value) || '';
    // The region (panel) each node is in.
    const regionOf = (n) => {
      for (let p = n; p; p = byId.get(p.parentId)) if (role(p) === 'region') return named(p);
      return '';
    };
    return { nodes: nodes.filter((n) => !n.ignored), named, role, regionOf };
  };
  const find = async (region, r, name) => {
    const tr = await tree();
    const n = tr.nodes.find((x) => tr.role(x) === r && tr.named(x) === name && tr.regionOf(x) === region);
    assert.ok(n, `no ${r} '${name}' in the ${region} region`);
    return n;
  };
  // DOM focus on a control found in the tree (again if the mirror was rebuilt in between).
  const focus = async (n, region, r, name) => {
    for (let i = 0; ; i++) {
      try {
        return await cdp.send('DOM.focus', { backendNodeId: n.backendDOMNodeId });
      } catch (e) {
        if (i >= 5 || !region) throw e;
        await page.waitForTimeout(100);
        n = await find(region, r, name);
      }
    }
  };
  await page.evaluate(() => window.dae.configure({ dataset: 'mnist', arch: 'conv8-pool-up-conv1:sigmoid', train: 512,
                                                   val: 64, batch: 64 }));
  await page.evaluate(() => window.dae.frames(4));

  // Regions with headings; every control of the Training panel named, with its role.
  const tr = await tree();
  const regions = tr.nodes.filter((n) => tr.role(n) === 'region').map(tr.named);
  for (const r of ['Train', 'Draw', 'Loss']) assert.ok(regions.includes(r), `no region '${r}': ${regions}`);
  assert.ok(tr.nodes.some((n) => tr.role(n) === 'heading' && tr.named(n) === 'Train'), 'no heading Train');
  const controls = tr.nodes.filter((n) => controlRoles.has(tr.role(n)) && tr.regionOf(n) === 'Train');
  const unnamed = controls.filter((n) => !tr.named(n).trim());
  console.log(`Train region: ${controls.length} controls: ` +
              controls.map((n) => `${tr.role(n)} "${tr.named(n)}"`).join(', '));
  assert.deepEqual(unnamed.map(tr.role), [], 'controls without a name');
  for (const [r, name] of [['button', 'Train'], ['textbox', 'Epochs'], ['textbox', 'Rate'], ['textbox', 'Seed'],
                           ['combobox', 'Batch'], ['radio', 'BCE'], ['radio', 'MSE'], ['slider', 'Threads'],
                           ['button', 'Epochs plus']]) {
    assert.ok(controls.some((n) => tr.role(n) === r && tr.named(n) === name), `no ${r} '${name}' in Train`);
  }
  // The layout's widgets of the Training panel are all in the mirror.
  const widgets = (await page.evaluate(() => window.dae.layout().items))
    .filter((i) => i.window === 'Train' && !i.popup && i.id !== 0 && i.label && !i.label.startsWith('#'));
  assert.ok(controls.length >= widgets.length, `${widgets.length} labelled widgets, ${controls.length} mirrored`);
  t.step('named');

  // Every panel in turn: each visible control of its window (region) has a role and a name;
  // combos and sliders say their value; checkboxes, radios and tabs their state; and the
  // layout's labelled widgets of that window are all in the mirror.
  const windowOf = { train: 'Train', loss: 'Loss', draw: 'Draw', data: 'Setup', model: 'Setup', files: 'Setup',
                     results: 'Views', experiments: 'Views', inspect: 'Views', latent: 'Views' };
  for (const [tab, region] of Object.entries(windowOf)) {
    await page.evaluate((n) => window.dae.showTab(n), tab);
    await page.evaluate(() => window.dae.frames(4));
    const t2 = await tree();
    const here = t2.nodes.filter((n) => controlRoles.has(t2.role(n)) && t2.regionOf(n) === region);
    const bad = here.filter((n) => !t2.named(n).trim()).map((n) => t2.role(n));
    assert.deepEqual(bad, [], `${tab}: controls without a name`);
    const valueless = here.filter((n) => ['combobox', 'slider'].includes(t2.role(n)) && !(n.value && String(n.value.value).trim()));
    assert.deepEqual(valueless.map(t2.named), [], `${tab}: combos or sliders without a value`);
    const stateless = here.filter((n) => ['checkbox', 'radio'].includes(t2.role(n)) &&
                                         !(n.properties || []).some((q) => q.name === 'checked'));
    assert.deepEqual(stateless.map(t2.named), [], `${tab}: checkboxes or radios without a state`);
    const shown = (await page.evaluate(() => window.dae.layout().items))
      .filter((i) => i.window === region && !i.popup && i.id !== 0 && i.label && !i.label.startsWith('#'));
    assert.ok(here.length >= shown.length, `${tab}: ${shown.length} labelled widgets, ${here.length} mirrored`);
    console.log(`${tab}: ${here.length} controls named (${[...new Set(here.map(t2.role))].join(', ')})`);
  }
  await page.evaluate(() => window.dae.showTab('results'));
  // The Results images come from the helper a moment later (the mirror is rebuilt when they
  // arrive, and an element focused before that is gone): typing starts once they are in.
  await waitFor(page, () => !window.dae.status().model_work.busy, null, { what: 'the Results images' });
  await page.evaluate(() => window.dae.frames(4));
  t.step('every panel');

  // Epochs typed in the mirrored field, Train pressed with Enter, the run followed by ear.
  const epochs = await find('Train', 'textbox', 'Epochs');
  await focus(epochs, 'Train', 'textbox', 'Epochs');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('2');
  await page.keyboard.press('Enter');
  await waitFor(page, () => window.dae.config().epochs === 2, null, { what: 'the epochs typed in the mirror' });
  const train = await find('Train', 'button', 'Train');
  await focus(train, 'Train', 'button', 'Train');
  await page.keyboard.press('Enter');
  const heard = [];
  // The live region (role log): its messages as the tree has them (its static texts).
  const live = async () => {
    const t2 = await tree();
    const log = t2.nodes.find((x) => t2.role(x) === 'log');
    assert.ok(log, 'no live region in the tree');
    const inLog = (n) => { for (let p = n; p; p = t2.nodes.find((q) => q.nodeId === p.parentId)) if (p === log) return true; return false; };
    return t2.nodes.filter((n) => t2.role(n) === 'StaticText' && inLog(n)).map(t2.named);
  };
  const deadline = Date.now() + 180000;
  for (;;) {
    const said = await live();
    for (const s of said) if (!heard.includes(s)) heard.push(s);
    if (heard.some((s) => /finished/.test(s))) break;
    if (Date.now() > deadline) throw new Error(`the run's end was never announced: ${heard.join(' | ')}`);
    await page.waitForTimeout(100);
  }
  console.log(`heard: ${heard.join(' | ')}`);
  assert.ok(heard.some((s) => /started: 2 epochs/.test(s)), 'the start was not announced');
  for (const e of [1, 2]) assert.ok(heard.some((s) => new RegExp(`epoch ${e} of 2: validation loss [0-9.]+, PSNR [0-9.]+ dB`).test(s)),
                                    `epoch ${e} was not announced`);
  const said = Number(heard.find((s) => /finished/.test(s)).match(/validation PSNR ([0-9.]+) dB/)[1]);
  const st = await page.evaluate(() => window.dae.status());
  assert.equal(st.state, 'finished');
  assert.ok(Math.abs(said - st.val_psnr) < 0.006, `said ${said} dB, the run's PSNR is ${st.val_psnr}`);
  t.step('run by ear');

  // Text alternatives: the loss curve as one sentence per epoch, the Results images by their scores.
  const alt = await (async () => {
    for (let i = 0; i < 50; i++) {
      const t3 = await tree();
      const texts = t3.nodes.filter((n) => t3.role(n) === 'StaticText').map((n) => [t3.regionOf(n), t3.named(n)]);
      const loss = texts.filter(([r, x]) => r === 'Loss' && /^Run #1, epoch \d: training loss [0-9.]+, validation loss [0-9.]+, validation PSNR [0-9.]+ dB\.$/.test(x));
      const res = texts.filter(([r, x]) => /Views|Results/.test(r) && /^Validation image \d+: noisy PSNR [0-9.]+ dB, SSIM [-0-9.]+; denoised PSNR/.test(x));
      if (loss.length === 2 && res.length >= 5) return { loss, res };
      await page.waitForTimeout(200);
    }
    return null;
  })();
  assert.ok(alt, 'no text alternative of the loss curve (2 epochs) or of the Results images in the tree');
  console.log(`loss curve: "${alt.loss[1][1]}"; results: ${alt.res.length} images, e.g. "${alt.res[0][1]}"`);
  t.step('text alternatives');

  // prefers-contrast: more (a system setting): after a reload the page is drawn with brighter
  // text on a darker ground. The ground's colour is read off the screen, below Train's widgets.
  const before = await page.screenshot({ clip: await page.evaluate(() => {
    const b = window.dae.layout().panels.Train; return { x: b.x + b.width - 12, y: b.y + b.height - 12, width: 4, height: 4 }; }) });
  await cdp.send('Emulation.setEmulatedMedia', { features: [{ name: 'prefers-contrast', value: 'more' }] });
  await page.reload({ waitUntil: 'load' });
  await page.waitForFunction(() => window.dae && window.dae.ready, null, { timeout: 60000 });
  await page.evaluate(() => window.dae.frames(4));
  assert.equal((await page.evaluate(() => window.dae.layout())).look.more_contrast, true, 'prefers-contrast: more not seen');
  const after = await page.screenshot({ clip: await page.evaluate(() => {
    const b = window.dae.layout().panels.Train; return { x: b.x + b.width - 12, y: b.y + b.height - 12, width: 4, height: 4 }; }) });
  const mean = async (png) => (await app.imageStats(png)).mean;
  const [g0, g1] = [await mean(before), await mean(after)];
  console.log(`prefers-contrast: more: the panels' ground ${g0.toFixed(0)} → ${g1.toFixed(0)} (of 255)`);
  assert.ok(g1 < g0 - 5, `the ground did not darken for more contrast (${g0} → ${g1})`);
  t.step('more contrast');
  t.report('access');
});
